package dev.quiver.bench.ann;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The word-embedding-like generator: seeded, held-out queries, low intrinsic dimension and hubs. */
class HubnessDataTest {

    @Test
    void sameSeedSameVectorsOtherSeedOtherVectors() {
        SyntheticData.Vectors a = HubnessData.generate(500, 33, 20, 7);
        SyntheticData.Vectors b = HubnessData.generate(500, 33, 20, 7);
        SyntheticData.Vectors c = HubnessData.generate(500, 33, 20, 8);
        for (int i = 0; i < 500; i++) {
            assertArrayEquals(a.base()[i], b.base()[i], "row " + i);
        }
        assertArrayEquals(a.queries()[19], b.queries()[19]);
        assertFalse(Arrays.equals(a.base()[0], c.base()[0]), "another seed, other data");
    }

    @Test
    void queriesAreHeldOutAndEveryRowIsFinite() {
        SyntheticData.Vectors v = HubnessData.generate(1000, 17, 50, 3);
        for (float[] q : v.queries()) {
            for (float[] row : v.base()) {
                assertFalse(Arrays.equals(q, row), "a query equal to a base row");
            }
        }
        for (float[] row : v.base()) {
            for (float x : row) {
                assertTrue(Float.isFinite(x));
            }
        }
    }

    @Test
    void clusterSizesFollowZipf() {
        SyntheticData.Vectors v = HubnessData.generate(10_000, 8, 0, 5);
        int clusters = 100; // round(sqrt(10,000))
        int[] sizes = new int[clusters];
        for (int c : v.baseCluster()) {
            sizes[c]++;
        }
        // Weight 1/(c+1) over 100 clusters: cluster 0 holds 1/H(100) = 19% of the points, cluster 9 a tenth of that.
        assertEquals(0.193, sizes[0] / 10_000.0, 0.02, Arrays.toString(sizes));
        assertEquals(10.0, (double) sizes[0] / sizes[9], 3.5, Arrays.toString(sizes));
    }

    @Test
    void theSpectrumSpreadsVarianceOverMostButNotAllDimensions() {
        double ratio = HubnessData.participationRatio(100, HubnessData.DEFAULT.spectrumDecay());
        assertTrue(ratio > 50 && ratio < 80, "participation ratio at 100-d: " + ratio);
        assertEquals(100, HubnessData.participationRatio(100, 0), 1e-9, "no decay: every dimension counts");
    }

    /**
     * Hubness: the k-occurrence N_10 (how often a point is among the 10 nearest of the others; mean 10) is strongly
     * right-skewed, a few points being the near neighbours of very many. Seen on 5,000 x 100: skewness 2.7-3.9 over
     * seeds 1-4.
     */
    @Test
    void kOccurrenceIsStronglyRightSkewed() {
        for (long seed = 1; seed <= 2; seed++) {
            double skew = kOccurrenceSkewness(HubnessData.generate(5000, 100, 0, seed).base(), Metric.COSINE);
            assertTrue(skew > 2, "N_10 skewness with seed " + seed + ": " + skew);
        }
    }

    @Test
    void resolverNamesItAndDefaultsToCosine() throws IOException {
        Dataset d = DatasetResolver.resolve("hubness:3000:100", null, 30, 10, 42, 2);
        assertEquals("hubness-3000x100", d.name());
        assertEquals(Metric.COSINE, d.metric());
        assertEquals(30, d.queries().length);
        assertEquals(100, d.groundTruth()[0].length);
        int[] truth = GroundTruth.compute(d.base(), new float[][] {d.queries()[0]}, Metric.COSINE, 10, null, 1,
                Progress.silent())[0];
        assertArrayEquals(truth, Arrays.copyOf(d.groundTruth()[0], 10));
        assertThrows(IllegalArgumentException.class, () -> DatasetResolver.resolve("hubness:3000", null, 0, 10, 1, 1));
    }

    private static double kOccurrenceSkewness(float[][] base, Metric metric) {
        int k = 10;
        int[][] knn = GroundTruth.compute(base, base, metric, k + 1, null, 2, Progress.silent());
        int[] occurrences = new int[base.length];
        for (int i = 0; i < base.length; i++) {
            int taken = 0;
            for (int j = 0; j < knn[i].length && taken < k; j++) {
                if (knn[i][j] != i) {
                    occurrences[knn[i][j]]++;
                    taken++;
                }
            }
        }
        double mean = (double) k;
        double m2 = 0;
        double m3 = 0;
        for (int o : occurrences) {
            double d = o - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= base.length;
        m3 /= base.length;
        return m3 / Math.pow(m2, 1.5);
    }
}
