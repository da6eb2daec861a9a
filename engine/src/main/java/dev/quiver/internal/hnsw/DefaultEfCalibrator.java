package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Codes;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Finds the default search plan of an index on its own vectors, leave-one-out: a seeded sample of live vectors on
 * layer 0 only is searched for, each time with the vector's own node hidden from the walk (never visited, so its
 * neighbour list, which holds about its nearest, cannot help: merely not returning it measured recall 0.99 where
 * unseen queries got 0.95); the exact scan gives each sample's true 10 nearest; recall@10 is measured
 * along a ladder of beam widths, and the smallest width whose mean recall reaches the target wins. When no width up to
 * the point where the exact scan is as cheap (the index's own cut-over {@code live / exactScanFactor}, or graph work
 * measured above the scan's) reaches it, the plan is the exact scan. A hit counts when its distance is within the
 * sample's 10th true distance, so ties and duplicate vectors do not count as misses.
 *
 * <p>Where the graph falls short, the code scan is measured next ({@link #calibrateCodeScan}): every vector scored on
 * its SQ8 code (a quarter of float32's bytes), the best r re-ranked with float32. One scan per sample query gives the
 * recall at every r of a ladder; the smallest r that reaches the target, plus one ladder step of headroom, becomes the
 * plan. Only when no r up to {@code live / RERANK_LIVE_DIVISOR} reaches it (or the target is 1, or the index is
 * smaller than {@code CODE_SCAN_MIN_LIVE}) is the default the float32 exact scan.
 *
 * <p>Cost: {@code SAMPLE} exact scans (SAMPLE x live distances, in groups sharing one pass over the vectors) plus
 * {@code SAMPLE} graph searches per ladder step tried; at save time, outside any search, on the index's build threads
 * (the sample queries are independent).
 */
final class DefaultEfCalibrator {

    /** Results per calibration query; the target is recall@K. */
    static final int K = 10;
    /** Sample queries: 2,000 neighbour slots, so recall 0.99 is measured to about +-0.002 (one standard error). */
    static final int SAMPLE = 200;
    /** Most sample queries sharing one exact pass over the vectors (their heaps and queries stay in cache). */
    static final int GROUP = 25;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Smallest live count calibrated; below it the exact scan answers anyway (AUTO cut-over at the old default). */
    static final int MIN_LIVE = 4 * K;
    /** Beam widths tried, in order; about 25% apart so the chosen width is at most that much above the need. */
    static final int[] LADDER = {10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 640,
        768, 1024, 1280, 1536, 2048, 2560, 3072, 4096};
    /** Ladder steps skipped per gallop: three steps of about 25% are about one doubling of the width. */
    static final int GALLOP = 3;
    /**
     * The code scan re-ranks at most {@code live / RERANK_LIVE_DIVISOR} candidates: each is a random float32 read
     * (several times a scanned code's cost), so beyond that the code scan saves little over the float32 scan.
     */
    static final int RERANK_LIVE_DIVISOR = 16;
    /**
     * Below this many live vectors the default scan stays float32: it costs well under a millisecond there and
     * answers exactly, so approximate answers and a second copy of the data in codes would buy almost nothing.
     */
    static final int CODE_SCAN_MIN_LIVE = 1000;

    private DefaultEfCalibrator() {
    }

    static SearchDefaults calibrate(HnswIndex index, double target, long seed) {
        int live = index.liveCount();
        if (live < MIN_LIVE) {
            return SearchDefaults.UNCALIBRATED;
        }
        int[] sample = sample(index, Math.min(SAMPLE, live / 4), seed);
        int dim = index.config().dim();
        float[][] queries = new float[sample.length][dim];
        float[] kth = new float[sample.length];
        for (int i = 0; i < sample.length; i++) {
            index.vector(sample[i], queries[i]);
        }
        // The true neighbours: groups of sample queries share one pass over the vectors, which a scan per query read
        // once per query (hubness 100k x 100: the calibration took 0.38-0.53 s instead of 0.74-1.00). Groups are at
        // most GROUP queries and at least one per core; each query's result does not depend on its group.
        int group = Math.clamp((sample.length + CORES - 1) / CORES, 1, GROUP);
        int groups = (sample.length + group - 1) / group;
        index.forEachItem(groups, g -> {
            int from = g * group;
            int to = Math.min(sample.length, from + group);
            SearchHits[] exact = index.exactSearchEach(Arrays.copyOfRange(queries, from, to), K + 1);
            for (int i = from; i < to; i++) {
                kth[i] = kthDistanceWithout(exact[i - from], sample[i]);
            }
        });
        int factor = index.config().exactScanFactor();
        int cap = factor == 0 ? Integer.MAX_VALUE : live / factor;
        int top = -1; // the last ladder step within the cap
        while (top + 1 < LADDER.length && LADDER[top + 1] <= cap) {
            top++;
        }
        LadderWalk walk = new LadderWalk(index, sample, queries, kth);
        int chosen = smallestReachingStep(walk, top, target, live);
        if (chosen >= 0) {
            return new SearchDefaults(LADDER[chosen], false, live, target, walk.result(chosen).recall());
        }
        return calibrateCodeScan(index, target, sample, queries, kth);
    }

    /**
     * The smallest ladder step up to {@code top} whose sample recall reaches {@code target}, or -1: the step a walk up
     * the ladder one step at a time would choose, stopping at its first miss whose graph work costs more than
     * scanning all {@code live} vectors. This walk gallops up {@link #GALLOP} steps (about one doubling of the width)
     * at a time and, once a width reaches the target, bisects the steps it skipped. Recall and work grow with the
     * width, so both choose the same step; but where no width reaches the target (hard data, widths in the
     * thousands) this one costs about twice its last step, not about five times (the sum of 25% steps).
     */
    static int smallestReachingStep(LadderWalk walk, int top, double target, int live) {
        int missed = -1; // the highest step measured below the target
        for (int step = 0; step <= top; step = step == top ? top + 1 : Math.min(step + GALLOP, top)) {
            if (walk.measure(step).recall() >= target) {
                int lo = missed + 1;
                int hi = step;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (walk.measure(mid).recall() >= target) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                // hi - 1 was measured (the last gallop miss or a bisection miss): where the graph already cost more
                // than a scan there, the step-by-step walk would have stopped before reaching hi.
                return hi > 0 && walk.costsMoreThanScan(hi - 1, live) ? -1 : hi;
            }
            missed = step;
            if (walk.costsMoreThanScan(step, live)) {
                break;
            }
        }
        return -1;
    }

    /**
     * The scan plan: the code scan with the smallest re-rank count (from {@link #LADDER}, plus one step of headroom)
     * whose sample recall reaches {@code target}, else the float32 exact scan. Trains scan codes when the index has
     * none; {@link HnswIndex#calibrateDefaults} frees them again if the plan does not use them.
     */
    private static SearchDefaults calibrateCodeScan(HnswIndex index, double target, int[] sample, float[][] queries,
                                                    float[] kth) {
        int live = index.liveCount();
        SearchDefaults floatScan = new SearchDefaults(0, true, live, target, 1.0);
        int cap = Math.min(live / RERANK_LIVE_DIVISOR, LADDER[LADDER.length - 1]);
        if (target >= 1.0 || live < CODE_SCAN_MIN_LIVE || cap < K || !Sq8Codes.supports(index.config().dim())) {
            return floatScan; // recall 1 asks for the exact answer; small indexes scan float32 anyway
        }
        index.ensureScanCodes();
        int[][] sampleHitsAt = new int[sample.length][LADDER.length];
        index.forEachItem(sample.length, i -> {
            int[] hitsAt = sampleHitsAt[i];
            SearchHits candidates = index.codeScanCandidates(queries[i], cap + 1);
            float bound = bound(kth[i]);
            int rank = 0;
            int within = 0;
            int step = 0;
            for (int j = 0; j < candidates.size() && step < LADDER.length; j++) {
                if (candidates.slots()[j] == sample[i]) {
                    continue; // the sample's own vector: not a candidate of a query that is not stored
                }
                rank++;
                if (candidates.distances()[j] <= bound) {
                    within++;
                }
                // Re-ranking the first r candidates returns the K float32-nearest among them: every one within the
                // true K-th distance is a hit, up to K.
                while (step < LADDER.length && LADDER[step] == rank) {
                    hitsAt[step++] += Math.min(K, within);
                }
            }
            for (; step < LADDER.length; step++) {
                hitsAt[step] += Math.min(K, within); // fewer candidates than r: all of them were re-ranked
            }
        });
        long[] hitsAt = new long[LADDER.length];
        for (int[] perSample : sampleHitsAt) {
            for (int step = 0; step < LADDER.length; step++) {
                hitsAt[step] += perSample[step];
            }
        }
        for (int step = 0; step < LADDER.length && LADDER[step] <= cap; step++) {
            double recall = (double) hitsAt[step] / ((long) K * sample.length);
            if (recall >= target) {
                int headroom = step + 1 < LADDER.length && LADDER[step + 1] <= cap ? step + 1 : step;
                double planned = (double) hitsAt[headroom] / ((long) K * sample.length);
                return new SearchDefaults(0, true, live, target, planned, LADDER[headroom]);
            }
        }
        return floatScan;
    }

    /** The largest distance that still counts as a hit against a true K-th distance {@code kth}. */
    private static float bound(float kth) {
        return kth + 1e-5f * Math.max(1f, Math.abs(kth));
    }

    /**
     * {@code count} distinct live slots on layer 0 only, drawn with {@code seed}: the upper layers' greedy descent
     * never passes through them, so hiding them from the layer-0 walk hides them from the whole search. Levels are
     * drawn independently of the vectors, so this is still a uniform sample of the data.
     */
    private static int[] sample(HnswIndex index, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int total = index.totalSlots();
        BitSet taken = new BitSet(total);
        int[] out = new int[count];
        int n = 0;
        while (n < count) {
            int slot = random.nextInt(total);
            if (!taken.get(slot) && !index.isDeleted(slot) && index.levelOf(slot) == 0) {
                taken.set(slot);
                out[n++] = slot;
            }
        }
        return out;
    }

    /** The K-th smallest distance among the hits other than {@code self}. */
    private static float kthDistanceWithout(SearchHits exact, int self) {
        int seen = 0;
        for (int i = 0; i < exact.size(); i++) {
            if (exact.slots()[i] != self && ++seen == K) {
                return exact.distances()[i];
            }
        }
        return Float.POSITIVE_INFINITY; // fewer than K others: every hit counts
    }

    /** Hits among the first K other than {@code self} that are as near as the true K-th. */
    private static int hitsWithout(SearchHits found, int self, float kth) {
        float bound = bound(kth);
        int counted = 0;
        int hits = 0;
        for (int i = 0; i < found.size() && counted < K; i++) {
            if (found.slots()[i] == self) {
                continue;
            }
            counted++;
            if (found.distances()[i] <= bound) {
                hits++;
            }
        }
        return hits;
    }

    /**
     * Hidden-node searches of every sample query at one ladder width, on the index's build threads: the mean
     * recall@K against the exact neighbours and the mean distance evaluations, kept per step.
     */
    static class LadderWalk {
        record Result(double recall, double meanDistances) { }

        private final HnswIndex index;
        private final int[] sample;
        private final float[][] queries;
        private final float[] kth;
        private final Result[] byStep = new Result[LADDER.length];

        LadderWalk(HnswIndex index, int[] sample, float[][] queries, float[] kth) {
            this.index = index;
            this.sample = sample;
            this.queries = queries;
            this.kth = kth;
        }

        /** The result at {@code step}, measured now if it was not before. */
        Result measure(int step) {
            if (byStep[step] == null) {
                byStep[step] = measureWidth(LADDER[step]);
            }
            return byStep[step];
        }

        Result result(int step) {
            return byStep[step];
        }

        boolean costsMoreThanScan(int step, int live) {
            return byStep[step].meanDistances() * KnnSearch.GRAPH_DISTANCE_COST >= live;
        }

        Result measureWidth(int ef) {
            int[] hits = new int[sample.length];
            long[] distances = new long[sample.length];
            // Every sample query is independent: each writes only its own entries, and the sums below are over
            // integers, so the plan does not depend on the thread count.
            index.forEachItem(sample.length, i -> {
                SearchHits found = index.searchHiding(queries[i], K, ef, sample[i]);
                hits[i] = hitsWithout(found, sample[i], kth[i]);
                distances[i] = found.work().distances();
            });
            long hitSum = 0;
            long distanceSum = 0;
            for (int i = 0; i < sample.length; i++) {
                hitSum += hits[i];
                distanceSum += distances[i];
            }
            return new Result((double) hitSum / ((long) K * sample.length), (double) distanceSum / sample.length);
        }
    }
}
