package dev.quiver.internal.hnsw;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * One k-nearest-neighbour search over an index: chooses the exact scan or the graph walk (AUTO, from the live and
 * accepted counts), walks the graph on float32 or, where they pay ({@link CodeWalkRule}), on SQ8 codes (re-ranking
 * code results with float32), bounds a filtered walk's work by what the exact scan would cost, and falls back to the
 * exact scan when the walk is short of k. Stateless between calls: all scratch is in the {@link SearchState} passed in.
 */
final class KnnSearch {

    /**
     * A filtered search's expected graph work, in distances per beam entry per layer-0 degree: {@code
     * (ef + 10) * m0 * FILTERED_WORK_PER_DEGREE}. Measured on wordnet-minilm-384 (M 16): an unfiltered k=10 walk
     * computes 365 / 917 / 1,899 / 3,342 distances at ef 10 / 40 / 100 / 200, i.e. (ef + 10) * m0 * 0.55; filtered at
     * 39% and 10% (two-hop) the work (distances + bridges / 3) is 1.3-1.7 times that (bench/results/filtered.md).
     */
    static final double FILTERED_WORK_PER_DEGREE = 0.55 * 1.6;
    /**
     * A distance computed in the graph walk costs about this many distances of the exact scan (random access to
     * vectors and lists, heap upkeep, filter checks, against one sequential pass). Measured on wordnet-minilm-384:
     * 117-190 ns per graph distance against 31-48 ns per scanned one (bench/results/filtered.md). Sizes the filtered
     * walk's work budget ({@code accepted / GRAPH_DISTANCE_COST}) and the AUTO cut-over.
     */
    static final int GRAPH_DISTANCE_COST = 3;
    /** Below this acceptance ratio an AUTO filtered search scans the accepted slots exactly. */
    static final double EXACT_FILTER_RATIO = 0.02;
    /** Below this acceptance ratio the traversal expands rejected neighbours two hops at once. */
    static final double TWO_HOP_RATIO = 0.6;
    private final HnswConfig config;
    private final VectorSlabs store;
    private final EntryPoint entry;
    private final GraphSearcher searcher;
    private final ExactScanner scanner;
    private final QuantizationLifecycle quant;
    private final AtomicInteger live;
    private final AtomicInteger deleted;
    private final IntSupplier totalSlots;
    private final GraphLayers layers;

    KnnSearch(HnswConfig config, VectorSlabs store, GraphLayers layers, EntryPoint entry, GraphSearcher searcher,
              ExactScanner scanner, QuantizationLifecycle quant, AtomicInteger live, AtomicInteger deleted,
              IntSupplier totalSlots) {
        this.config = config;
        this.store = store;
        this.layers = layers;
        this.entry = entry;
        this.searcher = searcher;
        this.scanner = scanner;
        this.quant = quant;
        this.live = live;
        this.deleted = deleted;
        this.totalSlots = totalSlots;
    }

    /** The {@code k} nearest live (and accepted) slots, nearest first; arguments already validated. */
    SearchHits search(float[] q, int k, int efSearch, SlotFilter filter, SearchMode mode, SearchState state) {
        int liveNow = live.get();
        if (liveNow == 0 || totalSlots.getAsInt() == 0) {
            return SearchHits.empty();
        }
        state.resetWork();
        if (mode == SearchMode.CODE_SCAN && filter == null) {
            SearchHits scanned = codeScan(q, k, Math.max(efSearch, k), state);
            if (scanned != null) {
                return scanned;
            }
        }
        int accepted = filter == null ? liveNow : filter.estimatedCount();
        boolean exact = switch (mode) {
            case EXACT, CODE_SCAN -> true;
            case GRAPH -> false;
            case AUTO -> useExact(liveNow, filter != null, accepted, Math.max(efSearch, k));
        };
        if (!exact) {
            int found = graphSearch(q, k, Math.max(efSearch, k), filter, accepted, liveNow, -1, state);
            // found < 0: the filtered walk used up the work an exact scan of the accepted slots would cost.
            boolean shortOfK = found < 0 || found < k && (accepted < 0 || found < Math.min(k, accepted));
            if (!shortOfK) {
                return hits(found, state);
            }
            // The graph could not reach k accepted nodes (a very selective filter, or many tombstones):
            // the exact scan guarantees k whenever k exist.
            state.exactFallback = true;
        }
        scanner.scan(new FloatScorer(store, q), k, filter, totalSlots.getAsInt(), state);
        state.ensureHits(state.results.size());
        return hits(state.results.drainReversed(state.hitSlots, state.hitScores), state);
    }

    /**
     * The code scan: every live slot scored on its SQ8 code, the {@code r} nearest kept and re-ranked with float32 (up
     * to the cutoff, as a walk's survivors are), the {@code k} nearest of those returned. Null when the index holds no
     * codes (the caller scans float32).
     */
    private SearchHits codeScan(float[] q, int k, int r, SearchState state) {
        QuantizationLifecycle.Lease lease = quant.acquire();
        if (lease == null) {
            return null;
        }
        try {
            RerankCutoff cutoff = cutoff(lease, live.get());
            Sq8Scorer onCodes = new Sq8Scorer(lease.codes(), store.metric(), q, state);
            scanner.scan(onCodes, r, null, totalSlots.getAsInt(), state);
            int found = state.results.size();
            state.ensureHits(found);
            state.results.drainReversed(state.hitSlots, state.hitScores);
            return hits(rerankSurvivors(q, k, found, cutoff.marginFor(onCodes, q), cutoff.spread(), state), state);
        } finally {
            lease.release();
        }
    }

    /**
     * The code scan's {@code r} nearest on codes, nearest first on codes, each with its exact float32 distance (not
     * re-sorted): {@link DefaultEfCalibrator} counts recall at every re-rank count up to {@code r} from one scan.
     */
    SearchHits codeScanCandidates(float[] q, int r, SearchState state) {
        QuantizationLifecycle.Lease lease = quant.acquire();
        if (lease == null || live.get() == 0) {
            if (lease != null) {
                lease.release();
            }
            return SearchHits.empty();
        }
        try {
            state.resetWork();
            scanner.scan(new Sq8Scorer(lease.codes(), store.metric(), q, state), r, null, totalSlots.getAsInt(),
                    state);
            int found = state.results.size();
            state.ensureHits(found);
            state.ensureGather(found);
            state.results.drainReversed(state.hitSlots, state.hitScores);
            new FloatScorer(store, q).score(state.hitSlots, found, state.hitScores, state);
            return hits(found, state);
        } finally {
            lease.release();
        }
    }

    /**
     * The exact {@code k} nearest live slots of each query, nearest first, from one pass over the vectors for all of
     * them ({@link ExactScanner#scanEach}); the calibration's ground truth for its sample queries.
     */
    SearchHits[] exactEach(float[][] queries, int k, SearchState state) {
        SearchHits[] out = new SearchHits[queries.length];
        if (live.get() == 0 || totalSlots.getAsInt() == 0) {
            Arrays.fill(out, SearchHits.empty());
            return out;
        }
        QueryScorer[] scorers = new QueryScorer[queries.length];
        ScoreHeap[] results = new ScoreHeap[queries.length];
        for (int i = 0; i < queries.length; i++) {
            scorers[i] = new FloatScorer(store, queries[i]);
            results[i] = ScoreHeap.maxHeap(k + 1);
        }
        state.resetWork();
        scanner.scanEach(scorers, k, totalSlots.getAsInt(), results, state);
        for (int i = 0; i < queries.length; i++) {
            state.ensureHits(results[i].size());
            out[i] = hits(results[i].drainReversed(state.hitSlots, state.hitScores), state);
        }
        return out;
    }

    /** Re-scores the first {@code found} hits with float32 and leaves the {@code k} nearest first; returns how many. */
    private int rerank(float[] q, int k, int found, SearchState state) {
        FloatScorer exact = new FloatScorer(store, q);
        state.ensureGather(found);
        exact.score(state.hitSlots, found, state.hitScores, state);
        ScoreHeap best = state.results; // empty: drained by the caller
        for (int i = 0; i < found; i++) {
            best.offerBounded(state.hitScores[i], state.hitSlots[i], k);
        }
        return Math.min(best.drainReversed(state.hitSlots, state.hitScores), k);
    }

    /**
     * An unfiltered graph walk that never visits {@code hidden} (a slot on layer 0 only), without the exact fallback:
     * searching for a stored vector as if it were not stored ({@link DefaultEfCalibrator}). Walks on codes or float32
     * as searches of this index do now ({@link CodeWalkRule}), so the plan is measured on the walk it serves.
     */
    SearchHits searchHiding(float[] q, int k, int ef, int hidden, SearchState state) {
        if (live.get() == 0 || totalSlots.getAsInt() == 0) {
            return SearchHits.empty();
        }
        state.resetWork();
        int found = graphSearch(q, k, Math.max(ef, k), null, -1, live.get(), hidden, state);
        return hits(Math.max(found, 0), state);
    }

    /** Whether an unfiltered AUTO search with beam {@code ef} currently takes the exact path. */
    boolean usesExactPath(int ef) {
        return useExact(live.get(), false, -1, ef);
    }

    /**
     * The AUTO choice. Unfiltered: scan exactly while the live count is below {@code exactScanFactor * ef} (where the
     * scan costs no more than the graph, see {@link HnswConfig#DEFAULT_EXACT_SCAN_FACTOR}). Filtered, with a known
     * accepted count: scan the accepted slots exactly while that costs less than the expected walk ({@link
     * #estimatedFilteredWork} graph distances at {@link #GRAPH_DISTANCE_COST} scanned distances each), or while they
     * are fewer than {@link #EXACT_FILTER_RATIO} of the live slots (below it a walk must cross ~1/ratio rejected
     * nodes per accepted one, whatever the collection's size).
     */
    private boolean useExact(int liveNow, boolean filtered, int accepted, int ef) {
        if (liveNow < (long) config.exactScanFactor() * ef) {
            return true;
        }
        if (!filtered || accepted < 0) {
            return false;
        }
        return accepted < GRAPH_DISTANCE_COST * estimatedFilteredWork(ef) || accepted < EXACT_FILTER_RATIO * liveNow;
    }

    /** Expected distances of a filtered walk with beam {@code ef} (see {@link #FILTERED_WORK_PER_DEGREE}). */
    double estimatedFilteredWork(int ef) {
        return (ef + 10.0) * config.maxDegree0() * FILTERED_WORK_PER_DEGREE;
    }

    private int graphSearch(float[] q, int k, int ef, SlotFilter filter, int accepted, int liveNow, int hidden,
                            SearchState state) {
        long ep = entry.get();
        if (ep == EntryPoint.NONE) {
            return 0;
        }
        // The codes stay allocated until this search releases them, even if a retrain replaces them meanwhile.
        QuantizationLifecycle.Lease lease = walkCodes() ? quant.acquireForTraversal() : null;
        try {
            return graphSearch(q, k, ef, filter, accepted, liveNow, hidden, ep, lease, state);
        } finally {
            if (lease != null) {
                lease.release();
            }
        }
    }

    private int graphSearch(float[] q, int k, int ef, SlotFilter filter, int accepted, int liveNow, int hidden,
                            long ep, QuantizationLifecycle.Lease lease, SearchState state) {
        // Measured before the query's scorer exists: the measurement has scratch of its own, but no walk may run
        // between a scorer and its search.
        RerankCutoff cutoff = lease == null ? null : cutoff(lease, liveNow);
        QueryScorer scorer = lease == null ? new FloatScorer(store, q)
                : new Sq8Scorer(lease.codes(), store.metric(), q, state);
        int start = EntryPoint.slot(ep);
        int cur = searcher.descend(scorer, start, scorer.score(start), EntryPoint.level(ep), 0, state);
        float curScore = state.hitScores[0];
        boolean twoHop = filter != null && (accepted < 0 || accepted < TWO_HOP_RATIO * liveNow);
        state.candSlots[0] = cur;
        state.candScores[0] = curScore;
        // A filtered walk is bounded by the cost of the exact scan of its accepted slots: beyond that budget the
        // scan is the cheaper answer (and an exact one), so at worst a search costs about twice the scan.
        long budget = filter == null || accepted < 0 ? Long.MAX_VALUE : (long) accepted / GRAPH_DISTANCE_COST;
        BeamRequest.Acceptance accept = hidden >= 0 ? BeamRequest.Acceptance.hiding(hidden, deleted.get() > 0)
                : new BeamRequest.Acceptance(filter, -1, deleted.get() > 0);
        BeamRequest request = new BeamRequest(scorer, 0, ef, accept, twoHop, totalSlots.getAsInt(), budget);
        if (!searcher.beam(request, 1, state)) {
            return -1;
        }
        int found = state.results.size();
        state.ensureHits(found);
        state.results.drainReversed(state.hitSlots, state.hitScores);
        if (lease != null) {
            return rerankSurvivors(q, k, found, cutoff.marginFor((Sq8Scorer) scorer, q), cutoff.spread(), state);
        }
        return Math.min(found, k);
    }

    /**
     * Whether a graph walk on this index's float32 vectors as they are now would be on codes, if it holds codes for
     * traversal ({@link CodeWalkRule}).
     */
    boolean walkCodes() {
        long floatBytes = (long) totalSlots.getAsInt() * store.kernelDim() * Float.BYTES;
        return config.codeWalk().walkCodes(store.dim(), floatBytes);
    }

    /**
     * The cutoff of the leased codes, measured by the first walk on them and again when it goes stale. One search
     * measures (about 20 searches' work); searches meanwhile re-rank every survivor.
     */
    private RerankCutoff cutoff(QuantizationLifecycle.Lease lease, int liveNow) {
        RerankCutoff seen = lease.cutoff();
        if (seen != null && !seen.staleFor(liveNow)) {
            return seen; // includes MEASURING: re-rank all while another search measures
        }
        if (!lease.claimCutoffMeasurement(seen)) {
            return RerankCutoff.MEASURING;
        }
        RerankCutoff measured = null;
        try {
            measured = RerankCutoff.measure(store, layers, lease.codes(), totalSlots.getAsInt(), liveNow);
            return measured;
        } finally {
            // On a failure (the index closing under the search) the next walk measures again.
            lease.cutoff(measured != null ? measured : seen);
        }
    }

    /**
     * Re-ranks a code walk's {@code found} survivors (in {@code state.hitSlots/hitScores}, nearest first on codes)
     * with float32 and leaves the {@code k} nearest first; returns how many. Survivors are scored in code order, in
     * blocks of {@link #RERANK_BLOCK} (their float32 reads overlap), until the next one's code distance exceeds the
     * k-th exact distance so far by more than the smallest code error seen plus {@code margin} ({@link
     * RerankCutoff}). An infinite margin re-ranks all of them, as vctrs does, and so does a query whose errors seen
     * so far span more than {@code spread}. Counts the float32 distances in the search's work.
     */
    private int rerankSurvivors(float[] q, int k, int found, float margin, float spread, SearchState state) {
        if (margin == Float.POSITIVE_INFINITY) {
            state.distances += found;
            return rerank(q, k, found, state);
        }
        FloatScorer exact = new FloatScorer(store, q);
        state.ensureGather(found);
        int[] block = state.gather;
        float[] blockScores = state.scores;
        ScoreHeap best = state.results; // empty: drained by the caller
        float smallestError = Float.POSITIVE_INFINITY;
        float largestError = Float.NEGATIVE_INFINITY;
        int done = 0;
        while (done < found) {
            int end = Math.min(found, done == 0 ? Math.max(k, RERANK_BLOCK) : done + RERANK_BLOCK);
            // Errors wider apart than measured (a stored vector clamped far outside the trained range): the margin
            // says nothing about this query, so every survivor is re-ranked.
            if (best.size() >= k && largestError - smallestError <= spread) {
                // Codes are nearest first: once one is beyond the limit, so is every later one.
                float limit = best.topScore() + smallestError + margin;
                int within = done;
                while (within < end && state.hitScores[within] <= limit) {
                    within++;
                }
                end = within;
                if (end == done) {
                    break;
                }
            }
            int n = end - done;
            System.arraycopy(state.hitSlots, done, block, 0, n);
            exact.score(block, n, blockScores, state);
            for (int i = 0; i < n; i++) {
                best.offerBounded(blockScores[i], block[i], k);
                float error = state.hitScores[done + i] - blockScores[i];
                smallestError = Math.min(smallestError, error);
                largestError = Math.max(largestError, error);
            }
            done = end;
        }
        state.distances += done;
        return Math.min(best.drainReversed(state.hitSlots, state.hitScores), k);
    }

    /** Survivors re-ranked per step: the width of the float32 bulk kernel's widest group. */
    static final int RERANK_BLOCK = 8;

    private static SearchHits hits(int count, SearchState state) {
        return new SearchHits(Arrays.copyOf(state.hitSlots, count), Arrays.copyOf(state.hitScores, count), count,
                new SearchWork(state.expanded, state.bridges, state.distances, state.exactFallback));
    }

}
