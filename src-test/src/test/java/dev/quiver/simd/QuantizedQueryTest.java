package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The integer-kernel estimates stay within the error bounds their javadoc derives. */
@Tag("scalar-path")
class QuantizedQueryTest {

    @Test
    void squareDistanceAndDotEstimatesStayWithinTheDerivedBounds() {
        long seed = KernelImplementations.seed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int dim : new int[] {1, 7, 64, 129, 768}) {
            float[][] data = ScalarQuantizerTest.randomVectors(r, 200, dim, -1, 1);
            ScalarQuantizer sq = ScalarQuantizer.train(List.of(data).iterator(), dim,
                    ScalarQuantizer.ScaleMode.SHARED);
            float s = sq.scales()[0];
            MemorySegment codes = MemorySegment.ofArray(new byte[dim * data.length]);
            for (int v = 0; v < data.length; v++) {
                sq.encode(data[v], codes, (long) v * dim);
            }
            for (int t = 0; t < 20; t++) {
                float[] y = data[r.nextInt(data.length)].clone();
                for (int i = 0; i < dim; i++) {
                    y[i] = Math.max(-0.99f, Math.min(0.99f, y[i] + (float) r.nextDouble(-0.1, 0.1)));
                }
                QuantizedQuery qq = sq.quantizeQuery(y);
                int v = r.nextInt(data.length);
                float[] decoded = new float[dim];
                sq.decode(codes, (long) v * dim, decoded);
                double l2 = 0, dot = 0, absCodeDiff = 0, codeSum = 0;
                for (int i = 0; i < dim; i++) {
                    double d = (double) y[i] - decoded[i];
                    l2 += d * d;
                    dot += (double) y[i] * decoded[i];
                    int c = Byte.toUnsignedInt(codes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, (long) v * dim + i));
                    absCodeDiff += Math.abs(Byte.toUnsignedInt(qq.codes()[i]) - c);
                    codeSum += c;
                }
                // Derived bounds plus float rounding slack proportional to the magnitudes involved.
                double l2Bound = s * absCodeDiff + dim * s * s / 4 + 1e-4 * (1 + l2);
                double dotBound = s * s / 2 * codeSum + 1e-4 * (1 + dim);
                float estL2 = qq.squareDistance(codes, (long) v * dim);
                float estDot = qq.dot(codes, (long) v * dim, sq.minsDotCodes(codes, (long) v * dim));
                String ctx = "dim=" + dim + " v=" + v + " seed=" + seed;
                assertTrue(Math.abs(estL2 - l2) <= l2Bound, ctx + " l2 " + l2 + " est " + estL2 + " bound " + l2Bound);
                assertTrue(Math.abs(estDot - dot) <= dotBound,
                        ctx + " dot " + dot + " est " + estDot + " bound " + dotBound);
            }
        }
    }

    @Test
    void estimatedSquareDistanceRanksLikeTheFloatDistance() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        int dim = 64;
        float[][] data = ScalarQuantizerTest.randomVectors(r, 500, dim, -1, 1);
        ScalarQuantizer sq = ScalarQuantizer.train(List.of(data).iterator(), dim, ScalarQuantizer.ScaleMode.SHARED);
        float[] y = ScalarQuantizerTest.randomVectors(r, 1, dim, -1, 1)[0];
        QuantizedQuery qq = sq.quantizeQuery(y);
        int bestExact = 0, bestEstimated = 0;
        float bestExactD = Float.MAX_VALUE, bestEstD = Float.MAX_VALUE;
        for (int v = 0; v < data.length; v++) {
            float exact = ScalarVectorOps.squareDistance(y, data[v]);
            float est = qq.squareDistance(VectorOps.squareDistanceU8(qq.codes(), sq.encode(data[v])));
            if (exact < bestExactD) {
                bestExactD = exact;
                bestExact = v;
            }
            if (est < bestEstD) {
                bestEstD = est;
                bestEstimated = v;
            }
        }
        float gap = ScalarVectorOps.squareDistance(y, data[bestEstimated]) - bestExactD;
        assertTrue(gap <= 0.02f * bestExactD, "SQ8 nearest " + bestEstimated + " vs exact " + bestExact
                + ", distance gap " + gap);
    }

    @Test
    void perDimensionScalesAreRefused() {
        ScalarQuantizer sq = ScalarQuantizer.train(new float[][] {{0f, 0f}, {1f, 2f}});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sq.quantizeQuery(new float[2]));
        assertTrue(e.getMessage().contains("shared scale"), e.getMessage());
    }
}
