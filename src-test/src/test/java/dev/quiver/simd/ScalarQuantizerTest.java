package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScalarQuantizerTest {

    static float[][] randomVectors(SplittableRandom r, int count, int dim, double lo, double hi) {
        float[][] vs = new float[count][dim];
        for (float[] v : vs) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) r.nextDouble(lo, hi);
            }
        }
        return vs;
    }

    @Test
    void roundTripErrorIsAtMostHalfAStep() {
        long seed = KernelImplementations.seed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int dim : new int[] {1, 3, 17, 128, 769}) {
            float[][] vs = randomVectors(r, 200, dim, -3, 5);
            ScalarQuantizer sq = ScalarQuantizer.train(vs);
            float[] scales = sq.scales();
            for (float[] v : vs) {
                float[] back = sq.decode(sq.encode(v));
                for (int i = 0; i < dim; i++) {
                    // Half a step, plus float rounding of (x - min) / scale and of min + scale * code.
                    double tol = scales[i] * (0.5 + 1e-3);
                    assertTrue(Math.abs(v[i] - back[i]) <= tol, "dim " + dim + " i=" + i + " x=" + v[i] + " back="
                            + back[i] + " seed=" + seed);
                }
            }
        }
    }

    @Test
    void smallRangeRoundTripIsWithinVctrsTolerance() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[][] vs = randomVectors(r, 100, 64, -1, 1);
        ScalarQuantizer sq = ScalarQuantizer.train(vs);
        for (float[] v : vs) {
            float[] back = sq.decode(sq.encode(v));
            for (int i = 0; i < v.length; i++) {
                assertTrue(Math.abs(v[i] - back[i]) < 0.05f, "i=" + i);
            }
        }
    }

    @Test
    void minEncodesToZeroAndMaxTo255() {
        float[][] vs = {{-2f, 10f, 0.1f}, {4f, 11f, 0.3f}, {1f, 10.5f, 0.2f}};
        ScalarQuantizer sq = ScalarQuantizer.train(vs);
        assertArrayEquals(new float[] {-2f, 10f, 0.1f}, sq.mins());
        assertArrayEquals(new byte[] {0, 0, 0}, sq.encode(new float[] {-2f, 10f, 0.1f}));
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255}, sq.encode(new float[] {4f, 11f, 0.3f}));
        // Outside the trained range: clamped, not wrapped.
        assertArrayEquals(new byte[] {0, (byte) 255, 0}, sq.encode(new float[] {-100f, 1e30f, -0.5f}));
        assertEquals(4f, sq.decode(sq.encode(new float[] {4f, 11f, 0.3f}))[0], 1e-5f);
    }

    @Test
    void constantDimensionEncodesToZeroAndDecodesExactly() {
        float[][] vs = {{7.25f, 1f}, {7.25f, 2f}, {7.25f, 3f}};
        ScalarQuantizer sq = ScalarQuantizer.train(vs);
        assertEquals(1f, sq.scales()[0], "constant dimension gets scale 1");
        for (float[] v : vs) {
            byte[] c = sq.encode(v);
            assertEquals(0, c[0]);
            assertEquals(7.25f, sq.decode(c)[0]);
        }
    }

    @Test
    void encodeIntoSegmentEqualsEncodeToArrayAndDecodesBack() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[][] vs = randomVectors(r, 50, 33, -1, 1);
        ScalarQuantizer sq = ScalarQuantizer.train(vs);
        MemorySegment s = MemorySegment.ofArray(new byte[33 * 3 + 5]);
        sq.encode(vs[7], s, 5 + 33);
        byte[] fromSegment = s.asSlice(5 + 33, 33).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        assertArrayEquals(sq.encode(vs[7]), fromSegment);
        float[] decoded = new float[33];
        sq.decode(s, 5 + 33, decoded);
        assertArrayEquals(sq.decode(fromSegment), decoded);
    }

    @Test
    void parametersRestoreBitExactly() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[][] vs = randomVectors(r, 50, 20, -1e3, 1e3);
        ScalarQuantizer sq = ScalarQuantizer.train(vs);
        ScalarQuantizer restored = new ScalarQuantizer(sq.mins(), sq.scales());
        assertEquals(sq, restored);
        for (float[] v : vs) {
            assertArrayEquals(sq.encode(v), restored.encode(v));
        }
    }

    @Test
    void accessorsReturnCopies() {
        ScalarQuantizer sq = ScalarQuantizer.train(new float[][] {{0f, 1f}, {1f, 3f}});
        sq.mins()[0] = 99f;
        sq.scales()[0] = 99f;
        assertEquals(0f, sq.mins()[0]);
        assertNotEquals(99f, sq.scales()[0]);
    }

    @Test
    void iteratorTrainingEqualsArrayTraining() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[][] vs = randomVectors(r, 300, 16, -2, 2);
        assertEquals(ScalarQuantizer.train(vs),
                ScalarQuantizer.train(List.of(vs).iterator(), 16, ScalarQuantizer.ScaleMode.PER_DIMENSION));
        // Quantile 0 over a sample holding every vector: the exact range again.
        assertEquals(ScalarQuantizer.train(vs), ScalarQuantizer.trainRobust(List.of(vs).iterator(), 16, 0.0, 1000, 1L,
                ScalarQuantizer.ScaleMode.PER_DIMENSION));
    }

    @Test
    void robustTrainingIgnoresRareOutliers() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[][] vs = randomVectors(r, 1000, 4, -1, 1);
        vs[17][2] = 1000f;
        vs[500][2] = -1000f;
        ScalarQuantizer exact = ScalarQuantizer.train(vs);
        ScalarQuantizer robust = ScalarQuantizer.trainRobust(Arrays.asList(vs).iterator(), 4, 0.01, 1000, 3L,
                ScalarQuantizer.ScaleMode.PER_DIMENSION);
        assertTrue(exact.scales()[2] > 7f, "outliers stretch the exact range: " + exact.scales()[2]);
        assertTrue(robust.scales()[2] < 0.01f, "quantile range ignores them: " + robust.scales()[2]);
        assertArrayEquals(new byte[] {(byte) 255}, new byte[] {robust.encode(vs[17])[2]}, "outlier clamps to 255");
    }

    @Test
    void reservoirSampleIsBoundedAndStillCoversTheData() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[][] vs = randomVectors(r, 5000, 3, 0, 1);
        ScalarQuantizer sq = ScalarQuantizer.trainRobust(Arrays.asList(vs).iterator(), 3, 0.0, 200, 9L,
                ScalarQuantizer.ScaleMode.PER_DIMENSION);
        for (float m : sq.mins()) {
            assertTrue(m >= 0f && m < 0.1f, "sampled min near 0: " + m);
        }
    }

    @Test
    void sharedScaleUsesTheWidestDimension() {
        float[][] vs = {{0f, 0f, 5f}, {2.55f, 25.5f, 5f}};
        ScalarQuantizer sq = ScalarQuantizer.train(List.of(vs).iterator(), 3, ScalarQuantizer.ScaleMode.SHARED);
        assertTrue(sq.hasSharedScale());
        float[] scales = sq.scales();
        assertEquals(0.1f, scales[0], 1e-7f);
        assertEquals(scales[0], scales[1]);
        assertEquals(scales[0], scales[2]);
        assertEquals(25, Byte.toUnsignedInt(sq.encode(new float[] {2.55f, 2.5f, 5f})[1]));
        assertTrue(!ScalarQuantizer.train(vs).hasSharedScale());
    }

    @Test
    void badInputIsRejectedNamingTheValue() {
        ScalarQuantizer sq = ScalarQuantizer.train(new float[][] {{0f, 1f}, {1f, 2f}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sq.encode(new float[3]));
        assertTrue(e.getMessage().contains("expected 2, got 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sq.encode(new float[] {Float.NaN, 0f}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScalarQuantizer.train(new float[0][]));
        assertTrue(e.getMessage().contains("zero vectors"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ScalarQuantizer.train(new float[][] {{0f, 1f}, {Float.POSITIVE_INFINITY, 1f}}));
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ScalarQuantizer.train(new float[][] {{0f, 1f}, {1f}}));
        assertTrue(e.getMessage().contains("expected 2, got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ScalarQuantizer(new float[] {0f}, new float[] {0f}));
        assertTrue(e.getMessage().contains("scale[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ScalarQuantizer(new float[2], new float[] {1f}));
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScalarQuantizer.trainRobust(
                List.of(new float[] {1f}).iterator(), 1, 0.5, 10, 1L, ScalarQuantizer.ScaleMode.SHARED));
        assertTrue(e.getMessage().contains("0.5"), e.getMessage());
    }

    @Test
    void rangeSpanningMostOfTheFloatLineStaysFinite() {
        ScalarQuantizer sq = ScalarQuantizer.train(new float[][] {{-3e38f}, {3e38f}});
        assertEquals(0, Byte.toUnsignedInt(sq.encode(new float[] {-3e38f})[0]));
        assertEquals(255, Byte.toUnsignedInt(sq.encode(new float[] {3e38f})[0]));
        assertEquals(3e38f, sq.decode(sq.encode(new float[] {3e38f}))[0], 1e33f);
        assertEquals(128, Byte.toUnsignedInt(sq.encode(new float[] {1e36f})[0]));
    }
}
