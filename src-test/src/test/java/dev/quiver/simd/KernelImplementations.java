package dev.quiver.simd;

import java.util.ArrayList;
import java.util.List;

/** Every kernel implementation this JVM can run, so tests compare them directly in one process. */
final class KernelImplementations {

    private KernelImplementations() {
    }

    /** The scalar kernels, plus the Panama kernels when jdk.incubator.vector is in the boot layer. */
    static List<DistanceKernels> available() {
        List<DistanceKernels> all = new ArrayList<>();
        all.add(ScalarKernels.INSTANCE);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            DistanceKernels panama = KernelSelector.loadPanama(System.getLogger("dev.quiver.simd.test"));
            if (panama == null) {
                throw new AssertionError("jdk.incubator.vector is present but the Panama kernels failed to load");
            }
            all.add(panama);
        }
        return all;
    }

    /** Base seed of the randomized kernel tests; {@code -Dtests.seed=N} reproduces a failure. */
    static long seed() {
        return Long.getLong("tests.seed", 0x5EED_2026L);
    }
}
