package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A walk on SQ8 codes that stops re-ranking at the measured cutoff ({@link RerankCutoff}) answers what re-ranking
 * every survivor (vctrs's rule) answers, on the same graph, for every metric and odd lengths; it re-ranks fewer; and
 * queries outside the trained range, or indexes too small to measure on, re-rank every survivor.
 */
class RerankCutoffTest {

    private static long seed() {
        return Long.getLong("tests.seed", 0x5EED_2027L);
    }

    private static final int K = 10;
    private static final int EF = 80;

    /** Builds a clustered index with SQ8 traversal on. */
    private static HnswIndex quantizedIndex(Metric metric, float[][] data, long seed) {
        HnswIndex index = HnswIndex.create(new HnswConfig(data[0].length, metric, 8, 64, seed, 2, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS));
        index.insertBatch(data);
        index.enableQuantization();
        return index;
    }

    private static void pin(HnswIndex index, RerankCutoff cutoff) {
        QuantizationLifecycle.Lease lease = index.quantization().acquire();
        try {
            lease.cutoff(cutoff);
        } finally {
            lease.release();
        }
    }

    /** The cutoff the index's current codes hold (null until a walk on them measured one); shared with other tests. */
    static RerankCutoff measured(HnswIndex index) {
        QuantizationLifecycle.Lease lease = index.quantization().acquire();
        try {
            return lease.cutoff();
        } finally {
            lease.release();
        }
    }

    @Test
    void stoppingAtTheCutoffAnswersWhatReRankingEverySurvivorAnswers() {
        long seed = seed();
        for (Metric metric : Metric.values()) {
            for (int dim : new int[] {3, 17, 100, 129}) {
                String where = metric + " dim " + dim + " seed " + seed;
                SplittableRandom rnd = new SplittableRandom(seed + 31L * dim + metric.ordinal());
                float[][] data = TestData.clustered(rnd, 3000, dim, 12, 0.3);
                float[][] queries = new float[60][];
                for (int i = 0; i < queries.length; i++) {
                    float[] base = data[rnd.nextInt(data.length)];
                    queries[i] = TestData.around(rnd, new float[][] {base}, 1, 0.05)[0];
                }
                try (HnswIndex index = quantizedIndex(metric, data, seed)) {
                    SearchHits[] cut = searchEach(index, queries, EF, SearchMode.GRAPH);
                    RerankCutoff cutoff = measured(index);
                    // Dot products always re-rank everything (see RerankCutoff); the others measure a margin from
                    // 17 dimensions on (at 3, the graphs may keep too few links to measure on).
                    boolean measurable = metric != Metric.DOT_PRODUCT && dim >= 17;
                    assertTrue(cutoff != null && (!measurable || Float.isFinite(cutoff.margin())),
                            "no margin measured: " + where + ", " + cutoff);
                    assertTrue(metric != Metric.DOT_PRODUCT || cutoff == RerankCutoff.ALL, where + ", " + cutoff);
                    pin(index, RerankCutoff.ALL);
                    SearchHits[] all = searchEach(index, queries, EF, SearchMode.GRAPH);
                    for (int i = 0; i < queries.length; i++) {
                        assertSameHits(all[i], cut[i], "query " + i + ", " + where + ", " + cutoff);
                    }
                    long cutWork = work(cut);
                    long allWork = work(all);
                    System.out.printf("%s: %s, distances %d with the cutoff, %d re-ranking all%n", where, cutoff,
                            cutWork, allWork);
                    // At 3 and 17 dimensions these codes' errors are as large as the gaps between neighbours, so
                    // the cutoff rightly stops late or never; at 100 and more it must save work.
                    assertTrue(!measurable || dim < 100 || cutWork < allWork,
                            "the cutoff re-ranked no fewer survivors: " + cutWork + " >= " + allWork + ", " + where);
                }
            }
        }
    }

    @Test
    void theCodeScanStopsAtTheCutoffWithTheSameAnswers() {
        long seed = seed();
        for (Metric metric : new Metric[] {Metric.COSINE, Metric.EUCLIDEAN}) {
            int dim = 65;
            String where = metric + " seed " + seed;
            SplittableRandom rnd = new SplittableRandom(seed + metric.ordinal());
            float[][] data = TestData.clustered(rnd, 3000, dim, 12, 0.3);
            float[][] queries = TestData.around(rnd, data, 40, 0.05);
            try (HnswIndex index = quantizedIndex(metric, data, seed)) {
                // The code scan keeps the best r = efSearch on codes; re-ranking all of them is vctrs-like work.
                SearchHits[] cut = searchEach(index, queries, 300, SearchMode.CODE_SCAN);
                pin(index, RerankCutoff.ALL);
                SearchHits[] all = searchEach(index, queries, 300, SearchMode.CODE_SCAN);
                for (int i = 0; i < queries.length; i++) {
                    assertSameHits(all[i], cut[i], "query " + i + ", " + where);
                }
                long cutWork = work(cut);
                long allWork = work(all);
                // Work counts every scanned code plus the re-ranked survivors.
                assertEquals(queries.length * (data.length + 300L), allWork, "re-ranking all, " + where);
                long saved = allWork - cutWork;
                assertTrue(saved > queries.length * 300L / 2,
                        "the cutoff saved only " + saved + " of " + queries.length * 300 + " re-ranks, " + where);
            }
        }
    }

    /**
     * Stored vectors with a component far outside the trained range (too few to trigger a retrain) score much too
     * near on codes; their errors must not pull the cutoff below true neighbours. Found by a review's probe, where
     * 176 of 200 such queries lost neighbours to a cutoff taken from the smallest error alone.
     */
    @Test
    void storedVectorsClampedFarOutsideTheRangeDoNotCutOffTrueNeighbours() {
        long seed = seed();
        for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE}) {
            int dim = 100;
            String where = metric + " seed " + seed;
            SplittableRandom rnd = new SplittableRandom(seed + metric.ordinal());
            float[][] data = TestData.clustered(rnd, 5000, dim, 12, 0.3);
            try (HnswIndex index = quantizedIndex(metric, data, seed)) {
                index.search(data[0], K, EF, null, SearchMode.GRAPH); // measures the cutoff on in-range codes
                float[][] outliers = new float[20][];
                for (int i = 0; i < outliers.length; i++) {
                    outliers[i] = data[100 * i].clone();
                    outliers[i][i % dim] += 5f; // far beyond every trained range: clamped when encoded
                }
                index.insertBatch(outliers);
                float[][] queries = new float[200][];
                for (int i = 0; i < queries.length; i++) {
                    queries[i] = TestData.around(rnd, new float[][] {data[100 * (i % 20)]}, 1, 0.02)[0];
                }
                SearchHits[] cut = searchEach(index, queries, EF, SearchMode.GRAPH);
                assertTrue(Float.isFinite(measured(index).margin()), where + ", " + measured(index));
                pin(index, RerankCutoff.ALL);
                SearchHits[] all = searchEach(index, queries, EF, SearchMode.GRAPH);
                for (int i = 0; i < queries.length; i++) {
                    assertSameHits(all[i], cut[i], "query " + i + ", " + where);
                }
            }
        }
    }

    @Test
    void aQueryOutsideTheTrainedRangeReRanksEverySurvivor() {
        long seed = seed();
        int dim = 33;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = TestData.clustered(rnd, 3000, dim, 12, 0.3);
        try (HnswIndex index = quantizedIndex(Metric.EUCLIDEAN, data, seed)) {
            float[] far = data[7].clone();
            for (int d = 0; d < dim; d++) {
                far[d] *= 25f; // far outside every trained range: most components clamp
            }
            SearchHits cut = index.search(far, K, EF, null, SearchMode.GRAPH);
            RerankCutoff cutoff = measured(index);
            assertTrue(Float.isFinite(cutoff.margin()), "seed " + seed + ", " + cutoff);
            QuantizationLifecycle.Lease lease = index.quantization().acquire();
            try {
                SearchState state = new SearchState(index.store().kernelDim(), 16);
                Sq8Scorer farScorer = new Sq8Scorer(lease.codes(), Metric.EUCLIDEAN, far, state);
                assertEquals(Float.POSITIVE_INFINITY, cutoff.marginFor(farScorer, far), "seed " + seed);
            } finally {
                lease.release();
            }
            pin(index, RerankCutoff.ALL);
            SearchHits all = index.search(far, K, EF, null, SearchMode.GRAPH);
            assertEquals(all.work().distances(), cut.work().distances(), "seed " + seed);
            assertSameHits(all, cut, "seed " + seed);
        }
    }

    @Test
    void codesThatAreExactStopAtTheFirstFartherCodeButNotForQueriesBetweenTheSteps() {
        long seed = seed();
        int dim = 20;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = new float[3000][dim];
        for (float[] row : data) {
            for (int d = 0; d < dim; d++) {
                row[d] = rnd.nextInt(256); // pixel-like: every value in 0..255 occurs, so the codes are the values
            }
        }
        try (HnswIndex index = quantizedIndex(Metric.EUCLIDEAN, data, seed)) {
            float[] onSteps = data[11].clone();
            float[] between = data[11].clone();
            for (int d = 0; d < dim; d++) {
                onSteps[d] = Math.min(255, onSteps[d] + 2);
                between[d] = Math.min(254.6f, between[d] + 0.4f);
            }
            SearchHits onStepsCut = index.search(onSteps, K, EF, null, SearchMode.GRAPH);
            SearchHits betweenCut = index.search(between, K, EF, null, SearchMode.GRAPH);
            RerankCutoff cutoff = measured(index);
            assertEquals(0f, cutoff.margin(), "exact codes measure no error; seed " + seed + ", " + cutoff);
            pin(index, RerankCutoff.ALL);
            SearchHits onStepsAll = index.search(onSteps, K, EF, null, SearchMode.GRAPH);
            SearchHits betweenAll = index.search(between, K, EF, null, SearchMode.GRAPH);
            assertSameHits(onStepsAll, onStepsCut, "seed " + seed);
            assertTrue(onStepsCut.work().distances() < onStepsAll.work().distances(), "seed " + seed);
            // Quantizing moved this query (by 0.4 per component) where it moved no stored vector: all re-ranked.
            assertSameHits(betweenAll, betweenCut, "seed " + seed);
            assertEquals(betweenAll.work().distances(), betweenCut.work().distances(), "seed " + seed);
        }
    }

    @Test
    void tooFewNeighbourPairsMeansReRankingEverySurvivorUntilTheIndexHasGrown() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = TestData.clustered(rnd, 3030, 40, 10, 0.3);
        for (int d = 0; d < 40; d++) { // the first two hold every component's extremes: no later value clamps
            for (float[] v : data) {
                data[0][d] = Math.min(data[0][d], v[d]);
                data[1][d] = Math.max(data[1][d], v[d]);
            }
        }
        try (HnswIndex index = quantizedIndex(Metric.COSINE, Arrays.copyOf(data, 30), seed)) {
            index.search(data[3000], K, EF, null, SearchMode.GRAPH);
            QuantizationLifecycle.Lease codes = index.quantization().acquire();
            codes.release();
            RerankCutoff small = measured(index);
            assertTrue(small.margin() == Float.POSITIVE_INFINITY && small.pairs() < RerankCutoff.MIN_PAIRS,
                    "30 nodes of degree <= 16 give fewer than " + RerankCutoff.MIN_PAIRS + " pairs: " + small
                            + "; seed " + seed);
            assertTrue(small.staleFor(61) && !small.staleFor(60), small + "; seed " + seed);
            // Grown a hundredfold (with the same codes: values in the trained range): the next walk measures again.
            index.insertBatch(Arrays.copyOfRange(data, 30, 3000));
            index.search(data[3001], K, EF, null, SearchMode.GRAPH);
            QuantizationLifecycle.Lease after = index.quantization().acquire();
            after.release();
            assertTrue(after == codes, "the codes were retrained: this test is about the same codes; seed " + seed);
            RerankCutoff grown = measured(index);
            assertTrue(Float.isFinite(grown.margin()) && grown.pairs() >= RerankCutoff.MIN_PAIRS,
                    grown + "; seed " + seed);
        }
    }

    @Test
    void theMeasurementIsSeededAndRemeasuredWhenTheIndexDoublesOrHalves() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = TestData.clustered(rnd, 2000, 24, 8, 0.3);
        try (HnswIndex index = quantizedIndex(Metric.EUCLIDEAN, data, seed)) {
            QuantizationLifecycle.Lease lease = index.quantization().acquire();
            try {
                RerankCutoff a = RerankCutoff.measure(index.store(), index.layers(), lease.codes(),
                        index.totalSlots(), index.liveCount());
                RerankCutoff b = RerankCutoff.measure(index.store(), index.layers(), lease.codes(),
                        index.totalSlots(), index.liveCount());
                assertEquals(a.margin(), b.margin(), "seed " + seed);
                assertEquals(a.pairs(), b.pairs(), "seed " + seed);
                assertTrue(a.margin() > 0 && Float.isFinite(a.margin()), a + ", seed " + seed);
                assertTrue(!a.staleFor(2000) && !a.staleFor(4000) && !a.staleFor(1000), "seed " + seed);
                assertTrue(a.staleFor(4001) && a.staleFor(999), "seed " + seed);
                assertTrue(!RerankCutoff.ALL.staleFor(1_000_000), "the pinned rule never goes stale");
            } finally {
                lease.release();
            }
        }
    }

    /**
     * The same hits: the same slots as a set (near ties may come out in either order), at distances equal up to the
     * kernels' summation order (a survivor scored in another position of a bulk call may differ in the last bits).
     */
    private static void assertSameHits(SearchHits expected, SearchHits actual, String where) {
        int[] a = slots(expected);
        int[] b = slots(actual);
        Arrays.sort(a);
        Arrays.sort(b);
        assertArrayEquals(a, b, where);
        for (int j = 0; j < expected.size(); j++) {
            assertEquals(expected.distances()[j], actual.distances()[j],
                    1e-5f * Math.max(1f, Math.abs(expected.distances()[j])), where);
        }
    }

    private static SearchHits[] searchEach(HnswIndex index, float[][] queries, int ef, SearchMode mode) {
        SearchHits[] hits = new SearchHits[queries.length];
        for (int i = 0; i < queries.length; i++) {
            hits[i] = index.search(queries[i], K, ef, null, mode);
        }
        return hits;
    }

    /** Distances computed over all the searches, float32 re-ranks included. */
    private static long work(SearchHits[] hits) {
        long sum = 0;
        for (SearchHits h : hits) {
            sum += h.work().distances();
        }
        return sum;
    }

    private static int[] slots(SearchHits hits) {
        return Arrays.copyOf(hits.slots(), hits.size());
    }
}
