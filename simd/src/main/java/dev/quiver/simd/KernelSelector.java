package dev.quiver.simd;

import java.lang.System.Logger.Level;

/**
 * Picks the kernel implementation once, at class initialisation of {@link VectorOps}.
 *
 * <p>The Panama kernels are used when {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}) and {@code -Dquiver.simd=scalar} is not set. {@code PanamaKernels} is
 * reached only by name through {@link Class#forName}, so it (and every Vector API class it references) is never
 * loaded when the module is absent.
 */
final class KernelSelector {

    /** System property: {@code scalar} forces the scalar kernels even when the Vector API is available; {@code auto}
     *  (the default) picks the Panama kernels whenever they can run. */
    static final String PROPERTY = "quiver.simd";

    private static final String PANAMA_CLASS = "dev.quiver.simd.PanamaKernels";

    private KernelSelector() {
    }

    static DistanceKernels select() {
        System.Logger log = System.getLogger("dev.quiver.simd");
        String forced = System.getProperty(PROPERTY, "");
        if (!forced.isEmpty() && !forced.equals("scalar") && !forced.equals("auto")) {
            log.log(Level.WARNING, "Ignoring -D" + PROPERTY + "=" + forced + " (expected scalar or auto)");
        }
        if (forced.equals("scalar")) {
            log.log(Level.INFO, "Quiver distance kernels: scalar (forced by -D" + PROPERTY + "=scalar)");
            return ScalarKernels.INSTANCE;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(Level.INFO, "Quiver distance kernels: scalar (jdk.incubator.vector is not in the boot layer; "
                    + "start the JVM with --add-modules jdk.incubator.vector for SIMD kernels)");
            return ScalarKernels.INSTANCE;
        }
        DistanceKernels panama = loadPanama(log);
        if (panama == null) {
            return ScalarKernels.INSTANCE;
        }
        log.log(Level.INFO, "Quiver distance kernels: " + panama.name());
        return panama;
    }

    /** The Panama kernels, or null (logged) if they cannot be initialised on this JVM. */
    static DistanceKernels loadPanama(System.Logger log) {
        try {
            return (DistanceKernels) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            log.log(Level.WARNING, "Quiver distance kernels: scalar (Panama kernels failed to load: " + e + ")");
            return null;
        }
    }
}
