package dev.quiver.simd;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/** What the JIT may use on this CPU, as far as the kernels care. */
final class CpuFeatures {

    private CpuFeatures() {
    }

    /**
     * Whether vector FMA is a hardware instruction here. The JVM sets {@code UseFMA} when the CPU has FMA3; without it
     * {@code FloatVector.fma} falls back to a slow per-lane emulation, so the kernels then use separate multiply and
     * add. When the flag cannot be read (jdk.management absent, not HotSpot), assume no FMA: slower but never
     * pathological.
     */
    static boolean hasFastFma() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return bean != null && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
