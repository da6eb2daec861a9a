package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code countAtMost} (a search pool's insert point) of every available implementation against a linear count, on
 * sorted prefixes of every length from 0 to 200 (whole lanes, lanes plus a tail, tail only), with runs of equal values,
 * signed zeros and infinities, probed at, between and beyond the stored values. Values past {@code n} are garbage
 * that must not count.
 */
@Tag("scalar-path")
class CountAtMostTest {

    @Test
    void matchesALinearCount() {
        long seed = KernelImplementations.seed();
        SplittableRandom random = new SplittableRandom(seed);
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (int n = 0; n <= 200; n++) {
                float[] values = sortedWithTies(random, n);
                float[] probes = probes(random, values);
                for (float x : probes) {
                    assertEquals(linearCount(values, n, x), kernels.countAtMost(values, n, x),
                            () -> kernels.name() + ", seed " + seed + ", n " + values.length + ", x " + x + ": "
                                    + Arrays.toString(Arrays.copyOf(values, Math.min(values.length, 40))));
                }
            }
        }
    }

    @Test
    void ignoresValuesPastTheCount() {
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (int n = 0; n <= 40; n++) {
                float[] values = new float[64];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i < n ? i : -1f; // garbage after n that a scan would count
                }
                assertEquals(n, kernels.countAtMost(values, n, 1000f), kernels.name() + ", n " + n);
                assertEquals(Math.min(n, 6), kernels.countAtMost(values, n, 5.5f), kernels.name() + ", n " + n);
            }
        }
    }

    @Test
    void nanCountsNothing() {
        float[] values = {-1f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f};
        for (DistanceKernels kernels : KernelImplementations.available()) {
            assertEquals(0, kernels.countAtMost(values, values.length, Float.NaN), kernels.name());
        }
    }

    private static float[] sortedWithTies(SplittableRandom random, int n) {
        float[] values = new float[n + random.nextInt(20)];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (random.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> Float.POSITIVE_INFINITY;
                case 3 -> Float.NEGATIVE_INFINITY;
                case 4 -> random.nextInt(5); // frequent exact ties
                default -> (float) random.nextDouble(-10, 10);
            };
        }
        Arrays.sort(values, 0, n); // the tail past n stays unsorted garbage
        return values;
    }

    private static float[] probes(SplittableRandom random, float[] values) {
        float[] probes = new float[values.length + 8];
        for (int i = 0; i < values.length; i++) {
            probes[i] = values[i];
        }
        probes[values.length] = Float.NEGATIVE_INFINITY;
        probes[values.length + 1] = Float.POSITIVE_INFINITY;
        probes[values.length + 2] = 0f;
        probes[values.length + 3] = -0f;
        for (int i = values.length + 4; i < probes.length; i++) {
            probes[i] = (float) random.nextDouble(-12, 12);
        }
        return probes;
    }

    private static int linearCount(float[] values, int n, float x) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] <= x) {
                count++;
            }
        }
        return count;
    }
}
