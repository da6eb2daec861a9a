package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code cosineDistances} (a bulk cosine score's last step) of every available implementation against
 * {@link Cosine#fromNorms} one value at a time, bit for bit (any NaN as NaN, as Java's float semantics allow): counts from 0 to 70 (whole lanes, lanes plus a tail, a
 * tail alone), zero, tiny, huge and NaN norms and dot products, results the rounding pushes past [0, 2], and a zero
 * query. Values past the count must stay as they were.
 */
@Tag("scalar-path")
class CosineDistancesTest {

    @Test
    void matchesFromNormsBitForBit() {
        long seed = KernelImplementations.seed();
        SplittableRandom random = new SplittableRandom(seed);
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (int count = 0; count <= 70; count++) {
                for (int round = 0; round < 20; round++) {
                    float qNorm = round == 0 ? 0f : norm(random);
                    float[] norms = new float[count + 9];
                    float[] dots = new float[count + 9];
                    for (int i = 0; i < norms.length; i++) {
                        norms[i] = norm(random);
                        dots[i] = dot(random, qNorm, norms[i]);
                    }
                    float[] expected = dots.clone();
                    for (int i = 0; i < count; i++) {
                        expected[i] = Cosine.fromNorms(dots[i], qNorm, norms[i]);
                    }
                    float[] actual = dots.clone();
                    kernels.cosineDistances(actual, qNorm, norms, count);
                    for (int i = 0; i < actual.length; i++) {
                        int at = i;
                        int n = count;
                        assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                                () -> kernels.name() + ", seed " + seed + ", count " + n + ", index " + at
                                        + ", qNorm " + qNorm + ", norm " + norms[at] + ", dot " + dots[at]
                                        + ": expected " + expected[at] + ", got " + actual[at] + " in "
                                        + Arrays.toString(actual));
                    }
                }
            }
        }
    }

    @Test
    void clampsAndKeepsTheZeroRules() {
        for (DistanceKernels kernels : KernelImplementations.available()) {
            // cos slightly above 1 and below -1 (rounding), a zero stored vector, NaN, infinite dot.
            float[] dots = {1.0000001f, -1.0000001f, 0f, Float.NaN, Float.POSITIVE_INFINITY, 0.5f, -0.5f, 0.25f, 1f};
            float[] norms = {1f, 1f, 0f, 1f, 1f, 1f, 1f, 0.5f, 1f};
            kernels.cosineDistances(dots, 1f, norms, dots.length);
            assertEquals(0f, dots[0], kernels.name());
            assertEquals(2f, dots[1], kernels.name());
            assertEquals(1f, dots[2], kernels.name());
            assertEquals(Float.NaN, dots[3], kernels.name());
            assertEquals(0f, dots[4], kernels.name()); // 1 - infinity, clamped
            assertEquals(0.5f, dots[5], kernels.name());
            assertEquals(1.5f, dots[6], kernels.name());
            assertEquals(0.5f, dots[7], kernels.name());
            assertEquals(0f, dots[8], kernels.name());
        }
    }

    /** A norm: mostly ordinary, sometimes zero, tiny, huge (their product overflows float) or NaN. */
    private static float norm(SplittableRandom random) {
        return switch (random.nextInt(12)) {
            case 0 -> 0f;
            case 1 -> Float.MIN_VALUE * (1 + random.nextInt(100));
            case 2 -> 1e30f * (float) random.nextDouble(0.5, 3);
            case 3 -> Float.NaN;
            default -> (float) random.nextDouble(0.01, 100);
        };
    }

    /** A dot product the two norms allow, sometimes just past them (rounding), sometimes zero. */
    private static float dot(SplittableRandom random, float qNorm, float norm) {
        double bound = (double) qNorm * norm;
        return switch (random.nextInt(8)) {
            case 0 -> 0f;
            case 1 -> (float) (bound * 1.0000003);
            case 2 -> (float) (-bound * 1.0000003);
            default -> (float) (bound * random.nextDouble(-1, 1));
        };
    }
}
