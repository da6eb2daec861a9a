package dev.quiver.bench.ann;

import dev.quiver.Metric;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("scalar-path")
class GroundTruthTest {

    /** The slow, obviously right reference: sort every row by (distance in double, row). */
    private static int[] naive(float[][] base, float[] q, Metric metric, int depth, BitSet allowed) {
        List<double[]> all = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            if (allowed != null && !allowed.get(i)) {
                continue;
            }
            double dot = 0;
            double qq = 0;
            double bb = 0;
            double l2 = 0;
            for (int j = 0; j < q.length; j++) {
                dot += (double) q[j] * base[i][j];
                qq += (double) q[j] * q[j];
                bb += (double) base[i][j] * base[i][j];
                l2 += ((double) q[j] - base[i][j]) * ((double) q[j] - base[i][j]);
            }
            double d = switch (metric) {
                case EUCLIDEAN -> l2;
                case COSINE -> 1 - dot / Math.sqrt(qq * bb);
                case DOT_PRODUCT -> -dot;
            };
            all.add(new double[] {d, i});
        }
        all.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
        return all.stream().limit(depth).mapToInt(a -> (int) a[1]).toArray();
    }

    @Test
    void matchesSortingEveryRowForEachMetricAndOddDimensions() {
        for (Metric metric : Metric.values()) {
            for (int dim : new int[] {1, 7, 33, 100}) {
                long seed = 31L * dim + metric.ordinal();
                Random random = new Random(seed);
                if (metric == Metric.COSINE && dim == 1) {
                    continue;   // in one dimension every cosine distance is 0 or 2: all ties
                }
                // L2 and dot: integer components keep every distance exact in float, so ties are real ties.
                // Cosine: Gaussian components, so no two distances are within float rounding of each other.
                boolean gaussian = metric == Metric.COSINE;
                float[][] base = gaussian ? gaussianRows(random, 300, dim) : randomRows(random, 300, dim);
                float[][] queries = gaussian ? gaussianRows(random, 9, dim) : randomRows(random, 9, dim);
                int[][] truth = GroundTruth.compute(base, queries, metric, 20, null, 2, Progress.silent());
                for (int q = 0; q < queries.length; q++) {
                    if (metric == Metric.COSINE) {
                        // Cosine in float and double can order near-equal rows differently: compare as sets.
                        assertEquals(setOf(naive(base, queries[q], metric, 20, null)), setOf(truth[q]),
                                "seed " + seed + " metric " + metric + " dim " + dim + " query " + q);
                    } else {
                        assertArrayEquals(naive(base, queries[q], metric, 20, null), truth[q],
                                "seed " + seed + " metric " + metric + " dim " + dim + " query " + q);
                    }
                }
            }
        }
    }

    @Test
    void tiesGoToTheLowerRow() {
        float[][] base = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {5, 5}};
        int[][] truth = GroundTruth.compute(base, new float[][] {{0, 0}}, Metric.EUCLIDEAN, 4, null, 1,
                Progress.silent());
        assertArrayEquals(new int[] {0, 1, 2, 3}, truth[0]);
    }

    @Test
    void filteredTruthUsesOnlyAllowedRowsAndMayBeShort() {
        long seed = 77;
        Random random = new Random(seed);
        float[][] base = randomRows(random, 200, 17);
        float[][] queries = randomRows(random, 5, 17);
        BitSet allowed = new BitSet();
        for (int i = 0; i < 200; i += 40) {
            allowed.set(i);
        }
        int[][] truth = GroundTruth.compute(base, queries, Metric.EUCLIDEAN, 10, allowed, 2, Progress.silent());
        for (int q = 0; q < queries.length; q++) {
            assertEquals(5, truth[q].length, "seed " + seed);
            assertArrayEquals(naive(base, queries[q], Metric.EUCLIDEAN, 10, allowed), truth[q], "seed " + seed);
        }
    }

    private static float[][] randomRows(Random random, int n, int dim) {
        float[][] rows = new float[n][dim];
        for (float[] row : rows) {
            for (int j = 0; j < dim; j++) {
                row[j] = random.nextInt(7) - 3;
            }
        }
        return rows;
    }

    private static float[][] gaussianRows(Random random, int n, int dim) {
        float[][] rows = new float[n][dim];
        for (float[] row : rows) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    private static java.util.Set<Integer> setOf(int[] rows) {
        java.util.Set<Integer> set = new java.util.HashSet<>();
        for (int r : rows) {
            set.add(r);
        }
        return set;
    }
}
