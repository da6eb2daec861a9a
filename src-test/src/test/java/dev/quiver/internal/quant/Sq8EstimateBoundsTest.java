package dev.quiver.internal.quant;

import dev.quiver.simd.VectorOps;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQ8 codec's algebra, on both kernel paths: code distances and corrected dot products stay within the error
 * bounds derived from the query's rounding, constant dimensions decode exactly, persisted parameters restore
 * bit-exactly. (Moved here from the simd module's former second codec, whose tests checked the same algebra.)
 */
@Tag("scalar-path")
class Sq8EstimateBoundsTest {

    private static long seed() {
        return Long.getLong("tests.seed", 0x5EED_2026L);
    }

    private static float[][] uniform(SplittableRandom r, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) r.nextDouble(-1, 1);
            }
        }
        return v;
    }

    @Test
    void squareDistanceAndDotEstimatesStayWithinTheDerivedBounds() {
        long seed = seed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int dim : new int[] {1, 7, 64, 129, 768}) {
            float[][] data = uniform(r, 200, dim);
            Sq8Quantizer q = Sq8Quantizer.train(dim, data.length, i -> data[i]);
            float s = q.scale();
            byte[] yc = new byte[dim];
            byte[] c = new byte[dim];
            float[] decoded = new float[dim];
            for (int t = 0; t < 20; t++) {
                // A query near a stored vector, kept inside the trained range so no component clamps.
                float[] y = data[r.nextInt(data.length)].clone();
                for (int d = 0; d < dim; d++) {
                    float lo = q.offset(d);
                    float hi = lo + 255 * s;
                    y[d] = Math.max(lo, Math.min(hi, y[d] + (float) r.nextDouble(-0.1, 0.1)));
                }
                assertEquals(0, q.encode(y, yc), "query clamped, seed " + seed);
                int v = r.nextInt(data.length);
                q.encode(data[v], c);
                q.decode(c, decoded);
                double l2 = 0;
                double dot = 0;
                double absCodeDiff = 0;
                double codeSum = 0;
                double yDotOffsets = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = (double) y[d] - decoded[d];
                    l2 += diff * diff;
                    dot += (double) y[d] * decoded[d];
                    absCodeDiff += Math.abs(Byte.toUnsignedInt(yc[d]) - Byte.toUnsignedInt(c[d]));
                    codeSum += Byte.toUnsignedInt(c[d]);
                    yDotOffsets += (double) y[d] * q.offset(d);
                }
                // |y - x^|^2 = s^2 |qc - c|^2 + 2s e.(qc - c) + |e|^2 with |e_d| <= s/2; the dot drops s (e . c).
                double l2Bound = s * absCodeDiff + dim * s * s / 4 + 1e-4 * (1 + l2);
                double dotBound = s * s / 2 * codeSum + 1e-4 * (1 + dim);
                float estL2 = s * s * VectorOps.squareDistanceU8(yc, c);
                float estDot = (float) (yDotOffsets + q.correction(c) + s * s * VectorOps.dotU8(yc, c));
                String ctx = "dim=" + dim + " v=" + v + " seed=" + seed;
                assertTrue(Math.abs(estL2 - l2) <= l2Bound, ctx + " l2 " + l2 + " est " + estL2 + " bound " + l2Bound);
                assertTrue(Math.abs(estDot - dot) <= dotBound,
                        ctx + " dot " + dot + " est " + estDot + " bound " + dotBound);
            }
        }
    }

    @Test
    void estimatedSquareDistanceRanksLikeTheFloatDistance() {
        long seed = seed();
        SplittableRandom r = new SplittableRandom(seed);
        int dim = 64;
        float[][] data = uniform(r, 500, dim);
        Sq8Quantizer q = Sq8Quantizer.train(dim, data.length, i -> data[i]);
        float[] y = uniform(r, 1, dim)[0];
        byte[] yc = new byte[dim];
        byte[] c = new byte[dim];
        q.encode(y, yc);
        int bestExact = 0;
        int bestEstimated = 0;
        float bestExactD = Float.MAX_VALUE;
        float bestEstD = Float.MAX_VALUE;
        for (int v = 0; v < data.length; v++) {
            float exact = VectorOps.squareDistance(y, data[v]);
            q.encode(data[v], c);
            float est = q.scale() * q.scale() * VectorOps.squareDistanceU8(yc, c);
            if (exact < bestExactD) {
                bestExactD = exact;
                bestExact = v;
            }
            if (est < bestEstD) {
                bestEstD = est;
                bestEstimated = v;
            }
        }
        float gap = VectorOps.squareDistance(y, data[bestEstimated]) - bestExactD;
        assertTrue(gap <= 0.02f * bestExactD, "SQ8 nearest " + bestEstimated + " vs exact " + bestExact
                + ", distance gap " + gap + ", seed " + seed);
    }

    @Test
    void constantDimensionEncodesToZeroAndDecodesExactly() {
        int dim = 3;
        SplittableRandom r = new SplittableRandom(seed());
        float[][] data = uniform(r, 300, dim);
        for (float[] row : data) {
            row[1] = 0.3f;
        }
        Sq8Quantizer q = Sq8Quantizer.train(dim, data.length, i -> data[i]);
        byte[] c = new byte[dim];
        float[] back = new float[dim];
        for (float[] row : data) {
            q.encode(row, c);
            q.decode(c, back);
            assertEquals(0, c[1]);
            assertEquals(0.3f, back[1]);
        }
    }

    @Test
    void parametersRestoreBitExactlyAndAreCopies() {
        SplittableRandom r = new SplittableRandom(seed());
        float[][] data = uniform(r, 100, 17);
        Sq8Quantizer q = Sq8Quantizer.train(17, data.length, i -> data[i]);
        float[] offsets = q.offsets();
        Sq8Quantizer restored = new Sq8Quantizer(offsets, q.scale());
        offsets[0] = 1e9f;
        assertArrayEquals(q.offsets(), restored.offsets());
        assertEquals(Float.floatToRawIntBits(q.scale()), Float.floatToRawIntBits(restored.scale()));
        byte[] a = new byte[17];
        byte[] b = new byte[17];
        for (float[] row : data) {
            q.encode(row, a);
            restored.encode(row, b);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void badScaleIsRejectedNamingTheValue() {
        for (float bad : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Sq8Quantizer(new float[2], bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }
}
