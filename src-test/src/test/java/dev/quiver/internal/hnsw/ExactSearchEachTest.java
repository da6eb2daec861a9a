package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HnswIndex#exactSearchEach}, the calibration's ground truth (groups of queries sharing one pass over the
 * vectors, on the build threads), answers as one exact search per query does: same distances rank by rank, every hit
 * live and as near as the k-th, for each metric, at odd dimensions (every SIMD tail), with tombstones, and with a
 * query count that leaves a partial group.
 */
class ExactSearchEachTest {

    @Test
    void eachQueryGetsWhatItsOwnExactSearchGives() {
        Object[][] cases = {
            {13, Metric.EUCLIDEAN, 31L, 2},
            {33, Metric.COSINE, 32L, 3},
            {7, Metric.DOT_PRODUCT, 33L, 1},
        };
        for (Object[] c : cases) {
            int dim = (Integer) c[0];
            Metric metric = (Metric) c[1];
            long seed = (Long) c[2];
            int threads = (Integer) c[3];
            String where = "dim " + dim + ", " + metric + ", seed " + seed + ", " + threads + " threads";
            SplittableRandom random = new SplittableRandom(seed);
            float[][] data = TestData.clustered(random, 1500, dim, 20, 0.3);
            try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, metric, 8, 48, seed, threads, 0))) {
                index.insertBatch(data);
                for (int slot = 0; slot < data.length; slot += 7) {
                    index.delete(slot);
                }
                float[][] queries = new float[58][];
                for (int i = 0; i < queries.length; i++) {
                    queries[i] = i % 2 == 0 ? data[random.nextInt(data.length)].clone()
                            : TestData.clustered(random, 1, dim, 1, 1.0)[0];
                }
                int k = 11;
                SearchHits[] each = index.exactSearchEach(queries, k);
                assertEquals(queries.length, each.length, where);
                for (int i = 0; i < queries.length; i++) {
                    SearchHits one = index.search(queries[i], k, 0, null, SearchMode.EXACT);
                    assertEquals(one.size(), each[i].size(), where + " query " + i);
                    for (int r = 0; r < one.size(); r++) {
                        float expected = one.distances()[r];
                        assertEquals(expected, each[i].distances()[r], 1e-5f * Math.max(1f, Math.abs(expected)),
                                where + " query " + i + " rank " + r);
                        int slot = each[i].slots()[r];
                        assertTrue(!index.isDeleted(slot) && slot % 7 != 0, where + " deleted slot " + slot);
                    }
                }
            }
        }
    }
}
