package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One pass through the whole engine per metric (batch build, inserts, deletes, update, exact and graph search,
 * SQ8, compaction). Tagged so it also runs on the scalar kernels (no jdk.incubator.vector).
 */
@Tag("scalar-path")
class HnswEndToEndTest {

    @Test
    void everyMetricEndToEnd() {
        for (Metric metric : Metric.values()) {
            for (int dim : new int[] {3, 33, 129}) {
                run(metric, dim, 1234 + dim);
            }
        }
    }

    private static void run(Metric metric, int dim, long seed) {
        String ctx = "metric=" + metric + " dim=" + dim + " seed=" + seed;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] centres = TestData.uniform(rnd, 20, dim);
        float[][] data = TestData.around(rnd, centres, 1500, 0.15);
        float[][] queries = TestData.around(rnd, centres, 40, 0.15);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, metric, 16, 100, seed, 2, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(java.util.Arrays.copyOf(data, 1000));
            for (int i = 1000; i < data.length; i++) {
                assertEquals(i, index.insert(data[i]), ctx);
            }
            boolean[] live = new boolean[data.length];
            java.util.Arrays.fill(live, true);
            for (int s = 0; s < data.length; s += 5) {
                assertTrue(index.delete(s), ctx);
                live[s] = false;
            }
            data[1] = data[2].clone();
            index.update(1, data[1]);
            double graph = 0;
            for (float[] q : queries) {
                int[] truth = TestData.bruteForce(metric, data, live, q, 10);
                SearchHits exact = index.search(q, 10, 0, null, SearchMode.EXACT);
                HnswIndexModelTest.assertWellFormed(exact, metric, data, live, q, ctx + " exact");
                for (int i = 0; i < truth.length; i++) {
                    double expected = TestData.distance(metric, q, data[truth[i]]);
                    assertEquals(expected, exact.distances()[i], 1e-4 * Math.max(1, Math.abs(expected)), ctx);
                }
                SearchHits hits = index.search(q, 10, 100, null, SearchMode.GRAPH);
                HnswIndexModelTest.assertWellFormed(hits, metric, data, live, q, ctx + " graph");
                graph += TestData.recall(truth, hits, 10);
            }
            graph /= queries.length;
            assertTrue(graph >= 0.95, ctx + " graph recall " + graph);

            index.enableQuantization();
            double sq8 = 0;
            for (float[] q : queries) {
                int[] truth = TestData.bruteForce(metric, data, live, q, 10);
                SearchHits hits = index.search(q, 10, 100, null, SearchMode.GRAPH);
                HnswIndexModelTest.assertWellFormed(hits, metric, data, live, q, ctx + " sq8");
                sq8 += TestData.recall(truth, hits, 10);
            }
            sq8 /= queries.length;
            assertTrue(sq8 >= graph - 0.02, ctx + " sq8 recall " + sq8 + " vs " + graph);

            CompactionResult c = index.compact();
            try (HnswIndex compacted = c.index()) {
                assertTrue(compacted.isQuantized(), ctx);
                assertEquals(index.liveCount(), compacted.liveCount(), ctx);
                float[] q = queries[0];
                SearchHits before = index.search(q, 5, 0, null, SearchMode.EXACT);
                SearchHits after = compacted.search(q, 5, 0, null, SearchMode.EXACT);
                for (int i = 0; i < 5; i++) {
                    assertEquals(before.distances()[i], after.distances()[i], 1e-6, ctx);
                }
            }
        }
    }
}
