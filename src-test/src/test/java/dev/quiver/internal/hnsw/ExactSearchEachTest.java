package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HnswIndex#exactSearchEach}, the calibration's ground truth (several queries sharing one pass over the
 * vectors), answers as one exact search per query does: the same distances rank by rank and the same slots wherever
 * the distance is not tied, only live slots, for each metric, at odd dimensions (every SIMD tail), with tombstones and
 * duplicate vectors, whether the queries come in one pass or in several; and nothing from an index with no live slot.
 */
class ExactSearchEachTest {

    @Test
    void eachQueryGetsWhatItsOwnExactSearchGives() {
        Object[][] cases = {
            {13, Metric.EUCLIDEAN, 31L},
            {33, Metric.COSINE, 32L},
            {7, Metric.DOT_PRODUCT, 33L},
        };
        for (Object[] c : cases) {
            int dim = (Integer) c[0];
            Metric metric = (Metric) c[1];
            long seed = (Long) c[2];
            String where = "dim " + dim + ", " + metric + ", seed " + seed;
            SplittableRandom random = new SplittableRandom(seed);
            float[][] data = TestData.clustered(random, 1500, dim, 20, 0.3);
            for (int i = 1; i < data.length; i += 5) {
                data[i] = data[i - 1].clone(); // duplicates: exact ties
            }
            try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, metric, 8, 48, seed, 2, 0))) {
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
                SearchHits[] all = index.exactSearchEach(queries, k);
                SearchHits[] firstPart = index.exactSearchEach(Arrays.copyOfRange(queries, 0, 25), k);
                for (int i = 0; i < queries.length; i++) {
                    SearchHits one = index.search(queries[i], k, 0, null, SearchMode.EXACT);
                    assertSameAnswer(one, all[i], index, where + " query " + i);
                    if (i < 25) {
                        assertSameAnswer(one, firstPart[i], index, where + " query " + i + " in a pass of 25");
                    }
                }
                for (int slot = 0; slot < data.length; slot++) {
                    index.delete(slot);
                }
                SearchHits[] none = index.exactSearchEach(queries, k);
                for (int i = 0; i < queries.length; i++) {
                    assertEquals(0, none[i].size(), where + " empty index, query " + i);
                }
            }
        }
    }

    private static void assertSameAnswer(SearchHits expected, SearchHits actual, HnswIndex index, String where) {
        assertEquals(expected.size(), actual.size(), where);
        int n = expected.size();
        // Distances within the rounding a kernel may differ by between its interpreted and compiled forms.
        float kth = expected.distances()[n - 1];
        float tolerance = 1e-5f * Math.max(1f, Math.abs(kth));
        Set<Integer> nearerExpected = new HashSet<>();
        Set<Integer> nearerActual = new HashSet<>();
        for (int r = 0; r < n; r++) {
            float d = expected.distances()[r];
            assertEquals(d, actual.distances()[r], tolerance * Math.max(1f, Math.abs(d)), where + " rank " + r);
            int slot = actual.slots()[r];
            assertTrue(!index.isDeleted(slot), where + " deleted slot " + slot);
            if (d < kth - tolerance) {
                nearerExpected.add(expected.slots()[r]); // clearly inside the k: the same slots, whatever the ties
            }
            if (actual.distances()[r] < kth - tolerance) {
                nearerActual.add(slot);
            }
        }
        assertEquals(nearerExpected, nearerActual, where);
    }
}
