package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.storage.FloatSlab;
import dev.quiver.storage.VectorSlab;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.Generations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vector records padded to whole 64-byte lines (format 5) against the reference distances, at every dimension around
 * a 16-float boundary and for every metric; and indexes saved with unpadded records (format 4 and before) still open
 * and answer as before.
 */
class VectorRecordLayoutTest {

    private static final int[] DIMS = {1, 3, 15, 16, 17, 31, 32, 33, 100, 113, 127, 128, 129, 257};

    @TempDir
    Path dir;

    @Test
    void paddedRecordsGiveTheReferenceDistancesAndKeepTheirPaddingZero() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int dim : DIMS) {
            for (Metric metric : Metric.values()) {
                String where = "dim " + dim + ", " + metric;
                try (VectorSlabs store = new VectorSlabs(dim, metric)) {
                    int kernelDim = store.kernelDim();
                    int lines = (dim + 15) / 16 * 16;
                    // Padded to whole lines where that adds at most a quarter; tiny and awkward dims stay exact.
                    assertEquals((lines - dim) * 4 <= dim ? lines : dim, kernelDim, where);
                    int n = 11;
                    float[][] v = new float[n][];
                    store.ensureCapacity(n);
                    for (int s = 0; s < n; s++) {
                        // Garbage in the padding first: a write must leave zeros there whatever the memory held.
                        for (int i = dim; i < kernelDim; i++) {
                            store.chunk(s).set(ValueLayout.JAVA_FLOAT_UNALIGNED, store.offset(s) + 4L * i, 1e30f);
                        }
                        v[s] = gaussian(rnd, dim);
                        store.write(s, v[s]);
                    }
                    for (int s = 0; s < n; s++) {
                        MemorySegment chunk = store.chunk(s);
                        long off = store.offset(s);
                        if (kernelDim > dim) {
                            assertEquals(0, off % VectorSlab.LINE_BYTES, where + ": record " + s + " starts a line");
                        }
                        for (int i = dim; i < kernelDim; i++) {
                            assertEquals(0, chunk.get(ValueLayout.JAVA_INT_UNALIGNED, off + 4L * i),
                                    where + ": padding float " + i + " of record " + s);
                        }
                    }
                    float[] q = gaussian(rnd, dim);
                    int[] slots = new int[n];
                    for (int s = 0; s < n; s++) {
                        slots[s] = s;
                    }
                    SearchState state = new SearchState(kernelDim, 32);
                    for (int count = 1; count <= n; count++) {
                        float[] bulk = new float[n];
                        new FloatScorer(store, q).score(slots, count, bulk, state);
                        for (int s = 0; s < count; s++) {
                            float want = VectorSlabs.distance(metric, q, v[s]);
                            float tolerance = 1e-4f * Math.max(1f, Math.abs(want));
                            assertEquals(want, bulk[s], tolerance, where + ": bulk of " + count + ", slot " + s);
                            assertEquals(want, store.distance(q, FrozenVectors.norm(q), s), tolerance,
                                    where + ": unpadded query, slot " + s);
                            assertEquals(want, new FloatScorer(store, q).score(s), tolerance,
                                    where + ": padded query, slot " + s);
                        }
                    }
                    float[] back = new float[kernelDim];
                    store.read(4, back);
                    for (int i = 0; i < kernelDim; i++) {
                        assertEquals(i < dim ? v[4][i] : 0f, back[i], where + ": read back float " + i);
                    }
                }
            }
        }
    }

    @Test
    void indexesSavedWithUnpaddedRecordsOpenAndAnswerAsBefore() {
        int dim = 100;
        long seed = 17;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = gaussians(rnd, 1500, dim);
        float[][] queries = gaussians(rnd, 25, dim);
        HnswConfig cfg = new HnswConfig(dim, Metric.COSINE, 8, 48, seed, 1)
                .withCodeWalk(CodeWalkRule.ALWAYS);
        SearchHits[] before = new SearchHits[queries.length];
        VectorSlabs legacy = unpadded(dim, Metric.COSINE);
        try (HnswIndex index = HnswIndex.assemble(cfg, legacy, new GraphLayers(cfg.m()));
             Generations store = Generations.open(dir)) {
            assertEquals(dim, legacy.kernelDim());
            index.insertBatch(data);
            for (int i = 0; i < queries.length; i++) {
                before[i] = index.search(queries[i], 10, 64, null, SearchMode.GRAPH);
            }
            try (GenerationWriter w = store.beginGeneration()) {
                index.writeTo(w, "v4-", IndexFiles.VERSION_SQ8_RECORDS);
                w.commit(0, Map.of());
            }
        }
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            assertEquals((long) dim * Float.BYTES, g.file("v4-" + IndexFiles.VECTORS).strideBytes());
            try (HnswIndex old = HnswIndex.open(g, "v4-", cfg)) {
                assertEquals(dim, old.store().kernelDim(), "an unpadded file opens unpadded");
                for (int i = 0; i < queries.length; i++) {
                    SearchHits again = old.search(queries[i], 10, 64, null, SearchMode.GRAPH);
                    assertArrayEquals(before[i].slots(), again.slots(), "query " + i);
                    assertArrayEquals(before[i].distances(), again.distances(), 1e-5f, "query " + i);
                }
                // It keeps working as an index: a new vector is found, exactly; it takes SQ8 codes; it saves again.
                float[] extra = gaussian(rnd, dim);
                int slot = old.insert(extra);
                SearchHits self = old.search(extra, 1, 64, null, SearchMode.GRAPH);
                assertEquals(slot, self.slots()[0]);
                assertEquals(0f, self.distances()[0], 1e-5f);
                old.enableQuantization();
                assertEquals(slot, old.search(extra, 1, 64, null, SearchMode.GRAPH).slots()[0], "SQ8 walk");
                try (GenerationWriter w = store.beginGeneration()) {
                    old.writeTo(w, "again-");
                    w.commit(1, Map.of());
                }
            }
        }
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            // Saved again in the current format, the records keep the stride they were opened with.
            assertEquals((long) dim * Float.BYTES, g.file("again-" + IndexFiles.VECTORS).strideBytes());
            try (HnswIndex again = HnswIndex.open(g, "again-", cfg)) {
                assertEquals(dim, again.store().kernelDim());
                assertTrue(again.isQuantized());
                for (int i = 0; i < queries.length; i++) {
                    SearchHits exact = again.search(queries[i], 10, 64, null, SearchMode.EXACT);
                    for (int j = 0; j < 10; j++) {
                        float want = VectorSlabs.distance(Metric.COSINE, queries[i], again.vector(exact.slots()[j]));
                        assertEquals(want, exact.distances()[j], 1e-5f, "query " + i + ", hit " + j);
                    }
                }
            }
        }
    }

    @Test
    void unpaddedIndexesWithCodesInFormatsThreeAndFourReopenWithTheSameCodes() {
        int dim = 100;
        long seed = 29;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = gaussians(rnd, 800, dim);
        float[] q = gaussian(rnd, dim);
        HnswConfig cfg = new HnswConfig(dim, Metric.DOT_PRODUCT, 8, 48, seed, 1)
                .withCodeWalk(CodeWalkRule.ALWAYS);
        VectorSlabs legacy = unpadded(dim, Metric.DOT_PRODUCT);
        byte[][] codes = new byte[data.length][];
        SearchHits before;
        try (HnswIndex index = HnswIndex.assemble(cfg, legacy, new GraphLayers(cfg.m()));
             Generations store = Generations.open(dir)) {
            index.insertBatch(data);
            index.enableQuantization();
            for (int s = 0; s < data.length; s++) {
                codes[s] = GraphInvariants.code(index, s);
            }
            before = index.search(q, 10, 64, null, SearchMode.GRAPH);
            try (GenerationWriter w = store.beginGeneration()) {
                // As builds of those formats wrote them: dim-float vectors; v3 with its two code files.
                index.writeTo(w, "v3-", IndexFiles.VERSION_SEPARATE_CODE_TERMS);
                index.writeTo(w, "v4-", IndexFiles.VERSION_SQ8_RECORDS);
                w.commit(0, Map.of());
            }
        }
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            for (String prefix : new String[] {"v3-", "v4-"}) {
                try (HnswIndex old = HnswIndex.open(g, prefix, cfg)) {
                    assertEquals(dim, old.store().kernelDim(), prefix);
                    assertTrue(old.isQuantized(), prefix);
                    for (int s = 0; s < data.length; s++) {
                        assertArrayEquals(codes[s], GraphInvariants.code(old, s), prefix + "slot " + s);
                    }
                    SearchHits again = old.search(q, 10, 64, null, SearchMode.GRAPH);
                    assertArrayEquals(before.slots(), again.slots(), prefix);
                    assertArrayEquals(before.distances(), again.distances(), 1e-5f, prefix);
                }
            }
        }
    }

    @Test
    void aNewIndexSavesWholeLineRecordsAndReopensThem() {
        int dim = 100;
        SplittableRandom rnd = new SplittableRandom(23);
        float[][] data = gaussians(rnd, 400, dim);
        HnswConfig cfg = new HnswConfig(dim, Metric.EUCLIDEAN, 8, 48, 23, 1);
        float[] q = gaussian(rnd, dim);
        SearchHits before;
        try (HnswIndex index = HnswIndex.create(cfg); Generations store = Generations.open(dir)) {
            index.insertBatch(data);
            before = index.search(q, 10, 64, null, SearchMode.EXACT);
            try (GenerationWriter w = store.beginGeneration()) {
                index.writeTo(w);
                w.commit(0, Map.of());
            }
        }
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            assertEquals(VectorSlab.recordStrideBytes(dim), g.file(IndexFiles.VECTORS).strideBytes());
            assertTrue(VectorSlab.recordStrideBytes(dim) % VectorSlab.LINE_BYTES == 0);
            try (HnswIndex index = HnswIndex.open(g, cfg)) {
                assertEquals(112, index.store().kernelDim());
                SearchHits again = index.search(q, 10, 64, null, SearchMode.EXACT);
                assertArrayEquals(before.slots(), again.slots());
                for (int s = 0; s < data.length; s++) {
                    assertArrayEquals(data[s], index.vector(s), "slot " + s);
                }
            }
        }
    }

    /** A vector store over the layout of format 4 and before: records of exactly {@code dim} floats. */
    private static VectorSlabs unpadded(int dim, Metric metric) {
        return new VectorSlabs(dim, metric, new VectorSlab(Slabs.allocate((long) dim * Float.BYTES), dim),
                new FloatSlab(Slabs.allocate(Float.BYTES)));
    }

    private static float[][] gaussians(SplittableRandom rnd, int n, int dim) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = gaussian(rnd, dim);
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
