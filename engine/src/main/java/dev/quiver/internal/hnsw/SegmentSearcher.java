package dev.quiver.internal.hnsw;

import java.util.Arrays;

/**
 * k-nearest search over one frozen segment ({@link FrozenGraph} + {@link FrozenVectors}) with {@link HnswIndex}'s
 * planning: an exact SIMD scan while the segment (or the filter's accepted set) is small enough that the scan costs
 * no more than the walk, otherwise the graph walk ({@link GraphSearcher}: greedy descent, then the ef beam, two-hop
 * expansion under selective filters), with the work budget that sends an expensive filtered walk to the exact scan.
 * On top, a caller's visit budget (Lucene's {@code visitLimit}): when it runs out, the search stops and says so.
 * Thread-safe; scratch comes from a bounded pool, so a fresh thread per search allocates nothing per segment.
 */
public final class SegmentSearcher {

    /** Distances scored per batch by the exact scan. */
    private static final int BATCH = 64;

    /** The result: the first {@code count} entries, nearest first, and the work done. */
    public record Hits(int[] ords, float[] distances, int count, long visited, boolean visitLimitReached,
                       boolean exact) {
    }

    private final FrozenGraph graph;
    private final FrozenVectors vectors;
    private final GraphSearcher searcher;
    private final int exactScanFactor;
    private final SearchStatePool states;

    /**
     * @param exactScanFactor unfiltered searches scan exactly while the segment holds fewer than
     *                        {@code exactScanFactor * ef} vectors ({@link HnswConfig#DEFAULT_EXACT_SCAN_FACTOR}); 0
     *                        always walks the graph
     */
    public SegmentSearcher(FrozenGraph graph, FrozenVectors vectors, int exactScanFactor) {
        if (graph.size() != vectors.size()) {
            throw new IllegalArgumentException("graph has " + graph.size() + " nodes, vectors " + vectors.size());
        }
        if (exactScanFactor < 0) {
            throw new IllegalArgumentException("exactScanFactor must be >= 0, got " + exactScanFactor);
        }
        this.graph = graph;
        this.vectors = vectors;
        this.searcher = new GraphSearcher(graph);
        this.exactScanFactor = exactScanFactor;
        int dim = vectors.dim();
        int m0 = 2 * graph.m();
        this.states = SearchStatePool.forMachine(() -> new SearchState(dim, m0));
    }

    /**
     * The {@code ef} nearest accepted ordinals (fewer if fewer are accepted).
     *
     * @param filter      accepted ordinals, or null for all
     * @param accepted    how many ordinals the filter accepts (an upper bound), or -1 when unknown
     * @param visitBudget distances the search may compute before it stops with {@code visitLimitReached}
     */
    public Hits search(float[] q, int ef, SlotFilter filter, int accepted, long visitBudget) {
        if (q.length != vectors.dim()) {
            throw new IllegalArgumentException("query has " + q.length + " dims, the segment " + vectors.dim());
        }
        if (ef < 1) {
            throw new IllegalArgumentException("ef must be at least 1, got " + ef);
        }
        SearchState state = states.acquire();
        try {
            return search(q, ef, filter, accepted, visitBudget, state);
        } finally {
            states.release(state);
        }
    }

    private Hits search(float[] q, int ef, SlotFilter filter, int accepted, long visitBudget, SearchState state) {
        int n = graph.size();
        state.resetWork();
        if (n == 0 || accepted == 0 || visitBudget <= 0) {
            return new Hits(new int[0], new float[0], 0, 0, n > 0 && accepted != 0, false);
        }
        int known = filter == null ? n : accepted;
        QueryScorer scorer = vectors.scorer(q);
        if (!useExact(n, filter != null, known, ef)) {
            // A filtered walk is bounded by the cost of the exact scan of its accepted slots (HnswIndex.graphSearch).
            long filterBudget = filter == null || known < 0 ? Long.MAX_VALUE
                    : (long) known / KnnSearch.GRAPH_DISTANCE_COST;
            int cur = graph.entry();
            float curScore = scorer.score(cur);
            state.distances++;
            for (int l = graph.topLevel(); l > 0; l--) {
                cur = searcher.greedy(scorer, cur, curScore, l, visitBudget, state);
                curScore = state.hitScores[0];
                if (state.distances >= visitBudget) {
                    return drain(state, true, false); // no beam yet: nothing to answer with
                }
            }
            boolean twoHop = filter != null && (known < 0 || known < KnnSearch.TWO_HOP_RATIO * n);
            state.candSlots[0] = cur;
            state.candScores[0] = curScore;
            long remaining = visitBudget - state.distances;
            boolean converged = remaining > 0 && searcher.beam(new BeamRequest(scorer, 0, ef,
                    new BeamRequest.Acceptance(filter, -1, false), twoHop, n, Math.min(remaining, filterBudget)), 1,
                    state);
            if (!converged && (remaining <= 0 || remaining <= filterBudget)) {
                return drain(state, true, false); // the caller's visit budget ran out first
            }
            if (converged) {
                int found = state.results.size();
                if (found >= Math.min(ef, known < 0 ? ef : known)) {
                    return drain(state, false, false);
                }
            }
            // Too few accepted nodes reached, or the filtered walk cost more than the scan: answer exactly.
            state.exactFallback = true;
        }
        boolean complete = scan(scorer, ef, filter, n, visitBudget, state);
        return drain(state, !complete, true);
    }

    private boolean useExact(int n, boolean filtered, int accepted, int ef) {
        if (n < (long) exactScanFactor * ef) {
            return true;
        }
        if (!filtered || accepted < 0) {
            return false;
        }
        double walk = (ef + 10.0) * 2 * graph.m() * KnnSearch.FILTERED_WORK_PER_DEGREE;
        return accepted < KnnSearch.GRAPH_DISTANCE_COST * walk || accepted < KnnSearch.EXACT_FILTER_RATIO * n;
    }

    /** Exact scan of the accepted ordinals into {@code state.results}; false if the visit budget stopped it. */
    private boolean scan(QueryScorer scorer, int k, SlotFilter filter, int n, long visitBudget, SearchState state) {
        state.results.clear();
        state.ensureGather(BATCH);
        int[] pending = {0};
        long[] spent = {state.distances};
        boolean[] stopped = {false};
        java.util.function.IntConsumer take = ord -> {
            if (stopped[0]) {
                return;
            }
            if (spent[0] + pending[0] >= visitBudget) {
                stopped[0] = true;
                return;
            }
            state.gather[pending[0]++] = ord;
            if (pending[0] == BATCH) {
                spent[0] += flush(scorer, pending[0], k, state);
                pending[0] = 0;
            }
        };
        if (filter == null || !filter.forEachAccepted(n, take)) {
            for (int ord = 0; ord < n && !stopped[0]; ord++) {
                if (filter == null || filter.accept(ord)) {
                    take.accept(ord);
                }
            }
        }
        flush(scorer, pending[0], k, state);
        return !stopped[0];
    }

    private static int flush(QueryScorer scorer, int count, int k, SearchState state) {
        if (count == 0) {
            return 0;
        }
        scorer.score(state.gather, count, state.scores, state);
        state.distances += count;
        for (int i = 0; i < count; i++) {
            state.results.offerBounded(state.scores[i], state.gather[i], k);
        }
        return count;
    }

    private static Hits drain(SearchState state, boolean limited, boolean exact) {
        int found = state.results.size();
        state.ensureHits(found);
        state.results.drainReversed(state.hitSlots, state.hitScores);
        return new Hits(Arrays.copyOf(state.hitSlots, found), Arrays.copyOf(state.hitScores, found), found,
                state.distances, limited, exact);
    }
}
