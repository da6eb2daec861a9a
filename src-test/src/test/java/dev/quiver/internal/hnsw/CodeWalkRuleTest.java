package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where quantized walks score codes ({@link CodeWalkRule}), and that the rule decides what a search walks on. */
class CodeWalkRuleTest {

    @Test
    void ruleWalksCodesBeyondTheCacheOrFromItsDimension() {
        CodeWalkRule rule = new CodeWalkRule(1_000, 384);
        assertFalse(rule.walkCodes(383, 1_000));
        assertTrue(rule.walkCodes(383, 1_001), "float32 vectors beyond the cache");
        assertTrue(rule.walkCodes(384, 0), "from the dimension on, even in cache");
        for (int dim : new int[] {1, 17, 128, 4096}) {
            assertTrue(CodeWalkRule.ALWAYS.walkCodes(dim, 0), "ALWAYS at " + dim);
        }
        assertEquals(CodeWalkRule.DEFAULT_MIN_CODE_DIM, CodeWalkRule.MEASURED.minCodeDim());
        assertThrows(IllegalArgumentException.class, () -> new CodeWalkRule(0, -1));
        assertThrows(IllegalArgumentException.class,
                () -> HnswConfig.of(8, Metric.EUCLIDEAN).withCodeWalk(null));
    }

    @Test
    void cacheSizesParseAsLinuxWritesThem() {
        assertEquals(32L << 20, CodeWalkRule.parseCacheSize("32768K\n"));
        assertEquals(8L << 20, CodeWalkRule.parseCacheSize("8M"));
        assertEquals(1L << 30, CodeWalkRule.parseCacheSize("1g"));
        assertEquals(512, CodeWalkRule.parseCacheSize(" 512 "));
        for (String bad : new String[] {"", "K", "abc", "-4K", "0K", "99999999999999999999K"}) {
            assertEquals(-1, CodeWalkRule.parseCacheSize(bad), bad);
        }
        long cache = CodeWalkRule.lastLevelCacheBytes();
        assertTrue(cache >= 64 << 10 && cache <= 1L << 40, "a cache size, or the fallback: " + cache);
    }

    /**
     * A quantized index the rule keeps on float32 walks as the same index does before quantizing (same hits, same
     * distances, same work); under {@link CodeWalkRule#ALWAYS} the same searches walk the codes and re-rank,
     * which costs float32 distances on top.
     */
    @Test
    void aFloatWalkOfAQuantizedIndexIsTheFloatIndexsWalk() {
        int dim = 37;
        long seed = 5;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = uniform(rnd, 3000, dim);
        float[][] queries = uniform(rnd, 40, dim);
        HnswConfig base = new HnswConfig(dim, Metric.EUCLIDEAN, 8, 64, seed, 1, 0);
        try (HnswIndex onFloats = HnswIndex.create(base.withCodeWalk(new CodeWalkRule(Long.MAX_VALUE, 100_000)));
             HnswIndex onCodes = HnswIndex.create(base.withCodeWalk(CodeWalkRule.ALWAYS))) {
            onFloats.insertBatch(data);
            onCodes.insertBatch(data);
            SearchHits[] before = new SearchHits[queries.length];
            for (int i = 0; i < queries.length; i++) {
                before[i] = onFloats.search(queries[i], 10, 40, null, SearchMode.GRAPH);
                assertEquals(before[i].work(), onCodes.search(queries[i], 10, 40, null, SearchMode.GRAPH).work(),
                        "same seed, one build thread: the same graph (query " + i + ")");
            }
            onFloats.enableQuantization();
            onCodes.enableQuantization();
            assertTrue(onFloats.isQuantized() && !onFloats.walksCodes());
            assertTrue(onCodes.isQuantized() && onCodes.walksCodes());
            int moreWork = 0;
            for (int i = 0; i < queries.length; i++) {
                SearchHits f = onFloats.search(queries[i], 10, 40, null, SearchMode.GRAPH);
                assertArrayEquals(slots(before[i]), slots(f), "query " + i);
                // Within rounding: the Vector API leaves the order of a float reduction open, so a kernel run
                // before and after the JIT compiles it may differ in the last bit.
                assertArrayEquals(distances(before[i]), distances(f), 1e-4f, "query " + i);
                assertEquals(before[i].work(), f.work(), "query " + i);
                SearchHits c = onCodes.search(queries[i], 10, 40, null, SearchMode.GRAPH);
                if (c.work().distances() > before[i].work().distances()) {
                    moreWork++;
                }
            }
            assertNotEquals(0, moreWork, "the code walks re-ranked with float32");
        }
    }

    /**
     * The default plan is measured on the walk searches take, and measured again once they walk otherwise, here an
     * index grown past the "cache" by 5% (under the 10% drift that alone would trigger it). The first walk on the
     * codes measures their re-rank cutoff, so the cutoff shows whether the calibration walked them.
     */
    @Test
    void thePlanIsMeasuredAgainWhenWalksMoveOntoCodes() {
        int dim = 16; // whole 64-byte records: 64 bytes per slot
        long seed = 13;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = uniform(rnd, 3150, dim);
        HnswConfig cfg = new HnswConfig(dim, Metric.EUCLIDEAN, 8, 48, seed, 2, 0)
                .withCodeWalk(new CodeWalkRule(3100L * dim * Float.BYTES, 100_000));
        try (HnswIndex index = HnswIndex.create(cfg)) {
            index.insertBatch(java.util.Arrays.copyOf(data, 3000));
            index.enableQuantization();
            index.calibrateDefaults(0.99);
            assertTrue(index.searchDefaults().calibrated());
            assertFalse(index.walksCodes());
            assertEquals(null, RerankCutoffTest.measured(index), "measured on float32 walks");
            index.insertBatch(java.util.Arrays.copyOfRange(data, 3000, 3150));
            assertTrue(index.walksCodes());
            index.calibrateDefaults(0.99);
            assertNotEquals(null, RerankCutoffTest.measured(index), "measured again, on the codes");
        }
    }

    @Test
    void anIndexGrowingPastTheCacheMovesItsWalksOntoCodes() {
        int dim = 24;
        long seed = 9;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = uniform(rnd, 2000, dim);
        // "The cache" holds the first 1,000 vectors (whole records; the kernel pads a record to 32 floats here at most).
        long cache = 1000L * 32 * Float.BYTES;
        HnswConfig cfg = new HnswConfig(dim, Metric.EUCLIDEAN, 8, 48, seed, 2, 0)
                .withCodeWalk(new CodeWalkRule(cache, 100_000));
        try (HnswIndex index = HnswIndex.create(cfg)) {
            index.insertBatch(java.util.Arrays.copyOf(data, 600));
            index.enableQuantization();
            assertFalse(index.walksCodes(), "600 vectors fit");
            index.insertBatch(java.util.Arrays.copyOfRange(data, 600, 2000));
            assertTrue(index.walksCodes(), "2,000 vectors do not");
            index.disableQuantization();
            assertFalse(index.walksCodes(), "no codes, no code walk");
        }
    }

    private static float[][] uniform(SplittableRandom rnd, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        return v;
    }

    private static int[] slots(SearchHits h) {
        return java.util.Arrays.copyOf(h.slots(), h.size());
    }

    private static float[] distances(SearchHits h) {
        return java.util.Arrays.copyOf(h.distances(), h.size());
    }
}
