package dev.quiver.internal.quant;

import dev.quiver.simd.VectorOps;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Sq8QuantizerTest {

    private static float[][] data(long seed, int n, int dim) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) (rnd.nextDouble() * 4 - 2 + d * 0.01);
            }
        }
        return v;
    }

    /**
     * The residual is summed in float lanes, where a component ~1e19 outside the trained range would overflow to
     * infinity (and then every query would look no further moved than that sampled node); such vectors get the
     * double sum, finite and as before.
     */
    @Test
    void residualStaysFiniteFarOutsideTheRange() {
        for (int dim : new int[] {1, 16, 100}) {
            float[][] v = data(dim, 500, dim);
            Sq8Quantizer q = Sq8Quantizer.train(dim, v.length, i -> v[i]);
            float[] far = v[0].clone();
            far[dim - 1] = 3e19f;
            byte[] code = new byte[dim];
            q.encode(far, code);
            double residual = q.residualSquared(far, code);
            assertTrue(Double.isFinite(residual), "dim " + dim + ": " + residual);
            assertEquals(9e38, residual, 1e33, "dim " + dim);
            byte[] near = new byte[dim];
            q.encode(v[1], near);
            double inRange = q.residualSquared(v[1], near);
            assertTrue(inRange <= dim * Math.pow(q.scale() / 2, 2) * 1.0001, "dim " + dim + ": " + inRange);
        }
    }

    @Test
    void roundTripErrorIsAtMostHalfAStep() {
        for (int dim : new int[] {1, 3, 7, 17, 100, 384}) {
            float[][] v = data(dim, 2000, dim);
            Sq8Quantizer q = Sq8Quantizer.train(dim, v.length, i -> v[i]);
            byte[] code = new byte[dim];
            float[] back = new float[dim];
            int clampedTotal = 0;
            for (float[] x : v) {
                clampedTotal += q.encode(x, code);
                q.decode(code, back);
                for (int d = 0; d < dim; d++) {
                    float lo = q.offset(d);
                    float hi = lo + 255 * q.scale();
                    if (x[d] >= lo && x[d] <= hi) {
                        assertEquals(x[d], back[d], q.scale() / 2 + 1e-6f, "dim " + dim + " d " + d);
                    }
                }
            }
            // The quantile range leaves about 0.1% at each end outside.
            assertTrue(clampedTotal <= 0.005 * v.length * dim, "clamped " + clampedTotal + " dim " + dim);
        }
    }

    @Test
    void outliersDoNotStretchTheRange() {
        int dim = 8;
        float[][] v = data(5, 5000, dim);
        float[][] withOutliers = new float[v.length][];
        for (int i = 0; i < v.length; i++) {
            withOutliers[i] = v[i].clone();
        }
        withOutliers[10][3] = 1e6f;
        withOutliers[20][5] = -1e6f;
        Sq8Quantizer clean = Sq8Quantizer.train(dim, v.length, i -> v[i]);
        Sq8Quantizer dirty = Sq8Quantizer.train(dim, v.length, i -> withOutliers[i]);
        assertEquals(clean.scale(), dirty.scale(), clean.scale() * 0.05, "two outliers moved the scale");
    }

    @Test
    void codeDistancesMatchTheIntegerKernelDefinition() {
        // With one shared scale, squared L2 on codes is ||x - y||^2 / scale^2 up to rounding.
        int dim = 33;
        float[][] v = data(9, 500, dim);
        Sq8Quantizer q = Sq8Quantizer.train(dim, v.length, i -> v[i]);
        byte[] a = new byte[dim];
        byte[] b = new byte[dim];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(dim);
            for (int i = 0; i + 1 < v.length; i += 2) {
                q.encode(v[i], a);
                q.encode(v[i + 1], b);
                MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, dim);
                float approx = q.scale() * q.scale() * VectorOps.squareDistanceU8(a, seg, 0);
                float exact = VectorOps.squareDistance(v[i], v[i + 1]);
                float bound = q.scale() * (float) Math.sqrt(exact) * (float) Math.sqrt(dim) * 2
                        + dim * q.scale() * q.scale();
                assertEquals(exact, approx, bound, "pair " + i);
                // Inner product through the correction term.
                double yDotOffsets = 0;
                for (int d = 0; d < dim; d++) {
                    yDotOffsets += (double) v[i][d] * q.offset(d);
                }
                float dotApprox = (float) (yDotOffsets + q.correction(b)
                        + q.scale() * q.scale() * VectorOps.dotU8(a, seg, 0));
                float dotExact = VectorOps.dot(v[i], v[i + 1]);
                assertEquals(dotExact, dotApprox, 0.02 * dim, "pair " + i);
            }
        }
    }

    @Test
    void emptyTrainingSetStillEncodesFiniteValues() {
        Sq8Quantizer q = Sq8Quantizer.train(4, 0, i -> null);
        byte[] code = new byte[4];
        float[] back = new float[4];
        q.encode(new float[] {0.1f, 0.5f, 1f, -1f}, code);
        q.decode(code, back);
        for (float f : back) {
            assertTrue(Float.isFinite(f));
        }
        assertThrows(IllegalArgumentException.class, () -> new Sq8Quantizer(new float[2], 0f));
    }

    @Test
    void driftIsDetectedFromTheClampRate() {
        int dim = 10;
        float[][] v = data(3, 1000, dim);
        Sq8Quantizer q = Sq8Quantizer.train(dim, v.length, i -> v[i]);
        try (Sq8Codes store = new Sq8Codes(q, dev.quiver.Metric.EUCLIDEAN)) {
            store.ensureCapacity(20_000);
            byte[] scratch = store.newScratch();
            float[] far = new float[dim];
            java.util.Arrays.fill(far, 100f);
            for (int s = 0; s < 5000; s++) {
                store.encode(s, v[s % v.length], scratch, true);
            }
            assertTrue(!store.drifted(), "in-range data is not drift: " + store.clampRate());
            for (int s = 5000; s < 20_000; s++) {
                store.encode(s, far, scratch, true);
            }
            assertTrue(store.drifted(), "clamp rate " + store.clampRate());
        }
    }
}
