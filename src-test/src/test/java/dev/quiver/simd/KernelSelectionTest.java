package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Proves which kernel path a test JVM really ran: the build runs the suite with and without the Vector API. */
@Tag("scalar-path")
class KernelSelectionTest {

    @Test
    @EnabledIfSystemProperty(named = "quiver.expectedKernels", matches = ".+")
    void activeKernelsAreTheExpectedOnes() {
        String expected = System.getProperty("quiver.expectedKernels");
        String actual = VectorOps.implementationName();
        switch (expected) {
            case "vector" -> assertTrue(actual.startsWith("panama-") && VectorOps.isVectorized(),
                    "expected Panama kernels, running " + actual);
            case "scalar" -> assertTrue(actual.equals("scalar") && !VectorOps.isVectorized(),
                    "expected scalar kernels, running " + actual);
            default -> throw new AssertionError("quiver.expectedKernels must be vector or scalar, got " + expected);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "quiver.expectedVectorBits", matches = ".+")
    void vectorWidthFollowsMaxVectorSize() {
        String expected = "panama-" + System.getProperty("quiver.expectedVectorBits");
        assertEquals(expected, VectorOps.implementationName(), "the run's -XX:MaxVectorSize must pick the kernel width");
    }

    @Test
    void vectorizedExactlyWhenTheVectorModuleIsPresentAndNotForcedOff() {
        boolean moduleLoaded = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean forcedScalar = "scalar".equals(System.getProperty(KernelSelector.PROPERTY));
        assertEquals(moduleLoaded && !forcedScalar, VectorOps.isVectorized(), VectorOps.implementationName());
    }

    @Test
    void panamaNameCarriesTheVectorWidth() {
        if (VectorOps.isVectorized()) {
            int bits = Integer.parseInt(VectorOps.implementationName().substring("panama-".length()));
            assertTrue(bits == 128 || bits == 256 || bits == 512 || bits == 1024 || bits == 2048,
                    "unexpected vector width " + bits);
        } else {
            assertEquals("scalar", VectorOps.implementationName());
        }
    }
}
