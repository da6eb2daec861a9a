package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.Generations;
import dev.quiver.storage.gen.GenerationWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An index written into a storage generation opens from the mapped files and behaves exactly as before. */
class HnswPersistenceTest {

    @TempDir
    Path dir;

    @Test
    void savedIndexReopensWithIdenticalResultsAndStaysWritable() {
        int dim = 33;
        SplittableRandom rnd = new SplittableRandom(17);
        float[][] data = TestData.uniform(rnd, 1200, dim);
        float[][] queries = TestData.uniform(rnd, 30, dim);
        HnswConfig cfg = new HnswConfig(dim, Metric.DOT_PRODUCT, 8, 64, 17, 2, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS);
        SearchHits[] before = new SearchHits[queries.length];
        SearchHits[] beforeSq8 = new SearchHits[queries.length];
        try (HnswIndex index = HnswIndex.create(cfg)) {
            index.insertBatch(data);
            for (int s = 0; s < 100; s++) {
                index.delete(s * 3);
            }
            for (int i = 0; i < queries.length; i++) {
                before[i] = index.search(queries[i], 10, 50, null, SearchMode.GRAPH);
            }
            index.enableQuantization();
            for (int i = 0; i < queries.length; i++) {
                beforeSq8[i] = index.search(queries[i], 10, 50, null, SearchMode.GRAPH);
            }
            try (Generations store = Generations.open(dir);
                 GenerationWriter w = store.beginGeneration()) {
                index.writeTo(w, "c0-");
                w.commit(0, Map.of());
            }
        }
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            try (HnswIndex reopened = HnswIndex.open(g, "c0-", cfg)) {
                assertEquals(1200, reopened.totalSlots());
                assertEquals(1100, reopened.liveCount());
                assertEquals(100, reopened.deletedCount());
                assertTrue(reopened.isQuantized());
                for (int i = 0; i < queries.length; i++) {
                    SearchHits h = reopened.search(queries[i], 10, 50, null, SearchMode.GRAPH);
                    assertArrayEquals(beforeSq8[i].slots(), h.slots(), "query " + i);
                }
                reopened.disableQuantization();
                for (int i = 0; i < queries.length; i++) {
                    SearchHits h = reopened.search(queries[i], 10, 50, null, SearchMode.GRAPH);
                    assertArrayEquals(before[i].slots(), h.slots(), "query " + i);
                    // Same slots; a distance may differ in the last bit (bulk vs single kernel, by batch position).
                    assertArrayEquals(before[i].distances(), h.distances(), 1e-5f, "query " + i);
                }
                assertArrayEquals(data[7], reopened.vector(7));
                // Writable after open: copy-on-write pages and new chunks.
                float[] extra = TestData.uniform(rnd, 1, dim)[0];
                int slot = reopened.insert(extra);
                assertEquals(1200, slot);
                assertEquals(slot, reopened.search(extra, 1, 50, null, SearchMode.EXACT).slots()[0]);
                reopened.update(5, extra);
                assertTrue(reopened.delete(8));
                GraphInvariants.check(reopened, "reopened");
            }
            HnswConfig other = new HnswConfig(dim, Metric.COSINE, 8, 64, 17, 2, 0);
            assertThrows(IllegalArgumentException.class, () -> HnswIndex.open(g, "c0-", other));
        }
    }

    @Test
    void emptyIndexRoundTrips() {
        HnswConfig cfg = HnswConfig.of(5, Metric.EUCLIDEAN);
        try (HnswIndex index = HnswIndex.create(cfg);
             Generations store = Generations.open(dir);
             GenerationWriter w = store.beginGeneration()) {
            index.writeTo(w);
            w.commit(0, Map.of());
        }
        try (Generations store = Generations.open(dir);
             HnswIndex reopened = HnswIndex.open(store.current(), cfg)) {
            assertEquals(0, reopened.totalSlots());
            assertEquals(0, reopened.search(new float[5], 3, 10, null, SearchMode.AUTO).size());
            int slot = reopened.insert(new float[] {1, 2, 3, 4, 5});
            assertEquals(slot, reopened.search(new float[5], 3, 10, null, SearchMode.GRAPH).slots()[0]);
        }
    }
}
