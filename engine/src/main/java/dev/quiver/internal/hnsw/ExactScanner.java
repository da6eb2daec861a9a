package dev.quiver.internal.hnsw;

/**
 * The exact path: scores every live (and accepted) slot with the float32 bulk kernels and keeps the k nearest in a
 * bounded max-heap. No approximation, no per-query allocation beyond the result.
 */
final class ExactScanner {

    private static final int BATCH = 64;

    private final GraphLayers layers;

    ExactScanner(GraphLayers layers) {
        this.layers = layers;
    }

    /** Leaves the k nearest accepted live slots below {@code total} in {@code state.results}. */
    void scan(QueryScorer scorer, int k, SlotFilter filter, int total, SearchState state) {
        ScoreHeap results = state.results;
        results.clear();
        state.ensureGather(BATCH);
        if (filter != null) {
            int[] pending = {0};
            boolean enumerated = filter.forEachAccepted(total, slot -> {
                if (layers.isLive(slot)) {
                    state.gather[pending[0]++] = slot;
                    if (pending[0] == BATCH) {
                        flush(scorer, pending[0], k, state);
                        pending[0] = 0;
                    }
                }
            });
            if (enumerated) {
                flush(scorer, pending[0], k, state);
                return;
            }
        }
        int g = 0;
        for (int slot = 0; slot < total; slot++) {
            if (layers.isLive(slot) && (filter == null || filter.accept(slot))) {
                state.gather[g++] = slot;
                if (g == BATCH) {
                    flush(scorer, g, k, state);
                    g = 0;
                }
            }
        }
        flush(scorer, g, k, state);
    }

    /**
     * The k nearest live slots below {@code total} for each of several queries, in one pass over the stored vectors:
     * each batch of slots is scored against every query while its vectors are still in cache, where a scan per query
     * reads every vector once per query from memory. Leaves query i's k nearest in {@code results[i]} (max-heaps,
     * cleared first) and counts each query's distances once in {@code state.distances} (they all score the same slots).
     */
    void scanEach(QueryScorer[] scorers, int k, int total, ScoreHeap[] results, SearchState state) {
        for (ScoreHeap r : results) {
            r.clear();
        }
        state.ensureGather(BATCH);
        int g = 0;
        for (int slot = 0; slot < total; slot++) {
            if (layers.isLive(slot)) {
                state.gather[g++] = slot;
                if (g == BATCH) {
                    flushEach(scorers, g, k, results, state);
                    g = 0;
                }
            }
        }
        flushEach(scorers, g, k, results, state);
    }

    private static void flushEach(QueryScorer[] scorers, int count, int k, ScoreHeap[] results, SearchState state) {
        if (count == 0) {
            return;
        }
        for (int q = 0; q < scorers.length; q++) {
            scorers[q].score(state.gather, count, state.scores, state);
            ScoreHeap best = results[q];
            for (int i = 0; i < count; i++) {
                best.offerBounded(state.scores[i], state.gather[i], k);
            }
        }
        state.distances += count; // per query: every query of the pass scores these slots
    }

    private static void flush(QueryScorer scorer, int count, int k, SearchState state) {
        if (count == 0) {
            return;
        }
        scorer.score(state.gather, count, state.scores, state);
        state.distances += count;
        ScoreHeap results = state.results;
        for (int i = 0; i < count; i++) {
            results.offerBounded(state.scores[i], state.gather[i], k);
        }
    }
}
