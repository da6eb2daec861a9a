package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recall@10 with fixed seeds at the default build parameters (M 16, efConstruction 200), always through the graph
 * ({@link SearchMode#GRAPH}) so the exact path cannot hide it. Thresholds, not timings.
 */
class HnswRecallTest {

    static final int K = 10;
    /** Beam width of the recall checks: half the default efSearch (200), so the checks have teeth. */
    static final int EF = 100;

    @Test
    void syntheticClusteredRecallAtDefaults() {
        SplittableRandom rnd = new SplittableRandom(1);
        float[][] centres = TestData.uniform(rnd, 60, 24);
        float[][] data = TestData.around(rnd, centres, 6000, 0.08);
        float[][] queries = TestData.around(rnd, centres, 200, 0.08);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(24, Metric.EUCLIDEAN, 16, 200, 7, 2))) {
            index.insertBatch(data);
            double r = recall(index, Metric.EUCLIDEAN, data, null, queries, EF, null);
            assertTrue(r >= 0.98, "recall@10 " + r);
        }
    }

    @Test
    void bigann10kRecallAndSq8() throws IOException {
        Path dir = dataset("bigann-10k");
        float[][] base = TestData.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = TestData.readFvecs(dir.resolve("query.fvecs"), 300);
        int[][] truth = TestData.readIvecs(dir.resolve("groundtruth.ivecs"), 300);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(128, Metric.EUCLIDEAN, 16, 200, 42, 2)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(base);
            double f32 = recall(index, queries, truth, EF, null);
            assertTrue(f32 >= 0.98, "bigann-10k recall@10 " + f32);
            double f32Low = recall(index, queries, truth, 24, null);
            index.enableQuantization();
            double sq8 = recall(index, queries, truth, EF, null);
            double sq8Low = recall(index, queries, truth, 24, null);
            assertTrue(sq8 >= f32 - 0.01, "SQ8 recall " + sq8 + " vs float32 " + f32);
            assertTrue(sq8Low >= f32Low - 0.01, "SQ8 recall at ef 24 " + sq8Low + " vs float32 " + f32Low);
        }
    }

    @Test
    void wordnetMiniLmRecallAndSq8() throws IOException {
        Path dir = dataset("wordnet-minilm-384");
        // A prefix keeps the build to seconds; its ground truth is recomputed exactly.
        float[][] base = TestData.readFvecs(dir.resolve("base.fvecs"), 6000);
        float[][] queries = TestData.readFvecs(dir.resolve("query.fvecs"), 150);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(384, Metric.COSINE, 16, 200, 42, 2)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(base);
            double f32 = recall(index, Metric.COSINE, base, null, queries, EF, null);
            assertTrue(f32 >= 0.98, "wordnet recall@10 " + f32);
            index.enableQuantization();
            double sq8 = recall(index, Metric.COSINE, base, null, queries, EF, null);
            assertTrue(sq8 >= f32 - 0.01, "SQ8 recall " + sq8 + " vs float32 " + f32);
        }
    }

    @Test
    void recallSurvivesDeletingThirtyPercentAndCompaction() {
        int dim = 32;
        SplittableRandom gen = new SplittableRandom(3);
        float[][] centres = TestData.uniform(gen, 50, dim);
        float[][] data = TestData.around(gen, centres, 6000, 0.1);
        float[][] queries = TestData.around(gen, centres, 200, 0.1);
        HnswConfig cfg = new HnswConfig(dim, Metric.EUCLIDEAN, 16, 200, 9, 2);
        int ef = 40; // low enough that a decayed graph would show
        try (HnswIndex index = HnswIndex.create(cfg)) {
            index.insertBatch(data);
            boolean[] live = new boolean[data.length];
            Arrays.fill(live, true);
            SplittableRandom rnd = new SplittableRandom(5);
            int deleted = 0;
            while (deleted < data.length * 3 / 10) {
                int s = rnd.nextInt(data.length);
                if (live[s]) {
                    assertTrue(index.delete(s));
                    live[s] = false;
                    deleted++;
                }
            }
            double afterDelete = recall(index, Metric.EUCLIDEAN, data, live, queries, ef, null);
            float[][] survivors = new float[data.length - deleted][];
            for (int s = 0, j = 0; s < data.length; s++) {
                if (live[s]) {
                    survivors[j++] = data[s];
                }
            }
            double fresh;
            try (HnswIndex rebuilt = HnswIndex.create(cfg)) {
                rebuilt.insertBatch(survivors);
                fresh = recall(rebuilt, Metric.EUCLIDEAN, survivors, null, queries, ef, null);
            }
            assertTrue(afterDelete >= fresh - 0.01, "after deleting 30%: " + afterDelete + " vs fresh " + fresh);

            CompactionResult compacted = index.compact();
            try (HnswIndex c = compacted.index()) {
                assertEquals(survivors.length, c.liveCount());
                assertEquals(0, c.deletedCount());
                for (int s = 0; s < data.length; s++) {
                    int to = compacted.oldToNew()[s];
                    assertEquals(live[s], to >= 0, "slot " + s);
                    if (to >= 0) {
                        assertTrue(Arrays.equals(data[s], c.vector(to)), "slot " + s + " -> " + to);
                    }
                }
                double afterCompact = recall(c, Metric.EUCLIDEAN, survivors, null, queries, ef, null);
                assertTrue(afterCompact >= fresh - 0.01, "after compaction: " + afterCompact + " vs fresh " + fresh);
            }
        }
    }

    @Test
    void filteredTraversalFindsKAcceptedAtEverySelectivity() {
        int dim = 24;
        SplittableRandom gen = new SplittableRandom(6);
        float[][] centres = TestData.uniform(gen, 40, dim);
        float[][] data = TestData.around(gen, centres, 8000, 0.1);
        float[][] queries = TestData.around(gen, centres, 100, 0.1);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 16, 200, 11, 2))) {
            index.insertBatch(data);
            for (double p : new double[] {0.5, 0.1, 0.01}) {
                SplittableRandom rnd = new SplittableRandom(8);
                boolean[] accept = new boolean[data.length];
                int count = 0;
                for (int i = 0; i < accept.length; i++) {
                    accept[i] = rnd.nextDouble() < p;
                    count += accept[i] ? 1 : 0;
                }
                int accepted = count;
                SlotFilter known = new SlotFilter() {
                    @Override
                    public boolean accept(int slot) {
                        return accept[slot];
                    }

                    @Override
                    public int estimatedCount() {
                        return accepted;
                    }
                };
                SlotFilter unknown = slot -> accept[slot];
                for (SearchMode mode : new SearchMode[] {SearchMode.GRAPH, SearchMode.AUTO}) {
                    for (SlotFilter f : new SlotFilter[] {known, unknown}) {
                        double r = recall(index, Metric.EUCLIDEAN, data, accept, queries, EF, f);
                        assertTrue(r >= 0.95, "filtered recall at " + p + " (" + mode + ", count "
                                + (f == known ? "known" : "unknown") + "): " + r);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static Path dataset(String name) {
        Path dir = TestData.datasets().resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("base.fvecs")),
                "data set " + name + " not found under " + dir.toAbsolutePath() + "; skipping");
        return dir;
    }

    /** Mean recall@10 against exact ground truth over {@code live} (null = all) and the filter. */
    static double recall(HnswIndex index, Metric metric, float[][] data, boolean[] live, float[][] queries, int ef,
                         SlotFilter filter) {
        boolean[] eligible = live == null ? null : live.clone();
        double sum = 0;
        for (float[] q : queries) {
            boolean[] mask = eligible;
            if (filter != null) {
                mask = new boolean[data.length];
                for (int i = 0; i < data.length; i++) {
                    mask[i] = (eligible == null || eligible[i]) && filter.accept(i);
                }
            }
            int[] truth = TestData.bruteForce(metric, data, mask, q, K);
            SearchHits hits = index.search(q, K, ef, filter, SearchMode.GRAPH);
            if (truth.length >= K) {
                assertEquals(K, hits.size(), "a search must return k whenever k are eligible");
            }
            sum += TestData.recall(truth, hits, K);
        }
        return sum / queries.length;
    }

    static double recall(HnswIndex index, float[][] queries, int[][] truth, int ef, SlotFilter filter) {
        double sum = 0;
        for (int i = 0; i < queries.length; i++) {
            SearchHits hits = index.search(queries[i], K, ef, filter, SearchMode.GRAPH);
            sum += TestData.recall(Arrays.copyOf(truth[i], K), hits, K);
        }
        return sum / queries.length;
    }
}
