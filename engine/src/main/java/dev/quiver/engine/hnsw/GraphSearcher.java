package dev.quiver.engine.hnsw;

/**
 * Walks the layers of a {@link GraphLayers}: greedy descent on the upper layers and the ef-bounded beam search of
 * one layer. Used by searches and by linking; all scratch lives in the caller's {@link SearchState}.
 *
 * <p>Acceptance: a slot enters the results only if it is live (written, not tombstoned), not {@code exclude}, and
 * accepted by the filter. Rejected slots are still expanded (they keep the graph connected), so deletions and
 * filters never cut off a region. With {@code twoHop}, a rejected neighbour's own neighbours are gathered at once
 * (ACORN-style), which lets a selective filter reach accepted nodes two hops away without first having to beat the
 * beam's worst distance with the rejected node in between.
 */
final class GraphSearcher {

    private final GraphLayers layers;

    GraphSearcher(GraphLayers layers) {
        this.layers = layers;
    }

    /** Filter value meaning: accept every slot that exists and is not tombstoned. */
    static final SlotFilter ALL_LIVE = slot -> true;

    /**
     * Whether a slot reached through the graph may be collected. Reached slots always exist (a node is linked only
     * after its vector is written), so only the tombstone needs checking, and only when the index has any.
     */
    private boolean accepts(int slot, SlotFilter filter, int exclude, boolean checkDeleted) {
        return slot != exclude && (!checkDeleted || !layers.isDeleted(slot))
                && (filter == ALL_LIVE || filter.accept(slot));
    }

    /**
     * Hill-climbs on {@code level} from {@code entry} to a local minimum (ef = 1); returns the slot and leaves its score
     * in {@code state.hitScores[0]}.
     */
    int greedy(QueryScorer scorer, int entry, float entryScore, int level, SearchState state) {
        int best = entry;
        float bestScore = entryScore;
        boolean improved = true;
        while (improved) {
            improved = false;
            int n = layers.readNeighbors(best, level, state.neighbors);
            scorer.score(state.neighbors, n, state.scores, state);
            int from = best;
            for (int i = 0; i < n; i++) {
                if (state.scores[i] < bestScore && state.neighbors[i] != from) {
                    bestScore = state.scores[i];
                    best = state.neighbors[i];
                    improved = true;
                }
            }
        }
        state.hitScores[0] = bestScore;
        return best;
    }

    /**
     * Beam search of {@code level} from the {@code entryCount} entries in {@code state.candSlots/candScores}; on
     * return {@code state.results} holds up to {@code ef} accepted slots (a max-heap: the worst on top).
     */
    void beam(QueryScorer scorer, int entryCount, int level, int ef, SlotFilter filter, int exclude, boolean twoHop,
              boolean checkDeleted, int capacity, SearchState state) {
        if (filter == null) {
            filter = ALL_LIVE;
        }
        VisitedSet visited = state.visited;
        ScoreHeap candidates = state.candidates;
        ScoreHeap results = state.results;
        visited.reset(capacity);
        candidates.clear();
        results.clear();
        for (int i = 0; i < entryCount; i++) {
            int e = state.candSlots[i];
            if (!visited.visit(e)) {
                continue;
            }
            float d = state.candScores[i];
            candidates.push(d, e);
            if (accepts(e, filter, exclude, checkDeleted)) {
                results.offerBounded(d, e, ef);
            }
        }
        int[] nbrs = state.neighbors;
        int[] nbrs2 = state.neighbors2;
        while (!candidates.isEmpty()) {
            float nearest = candidates.topScore();
            if (results.size() >= ef && nearest > results.topScore()) {
                break;
            }
            int c = candidates.pop();
            int n = layers.readNeighbors(c, level, nbrs);
            int g = 0;
            int[] gather = state.gather;
            for (int i = 0; i < n; i++) {
                int s = nbrs[i];
                if (visited.visit(s)) {
                    gather[g++] = s;
                }
            }
            if (twoHop) {
                int firstHop = g;
                for (int i = 0; i < firstHop; i++) {
                    int s = gather[i];
                    if (accepts(s, filter, exclude, checkDeleted)) {
                        continue;
                    }
                    int n2 = layers.readNeighbors(s, level, nbrs2);
                    if (g + n2 > gather.length) {
                        state.ensureGather(Math.max(g + n2, gather.length * 2));
                        System.arraycopy(gather, 0, state.gather, 0, g);
                        gather = state.gather;
                    }
                    for (int j = 0; j < n2; j++) {
                        int t = nbrs2[j];
                        // Only accepted second-hop nodes are taken now; others stay reachable the ordinary way.
                        if (!visited.isVisited(t) && accepts(t, filter, exclude, checkDeleted)) {
                            visited.visit(t);
                            gather[g++] = t;
                        }
                    }
                }
            }
            if (g == 0) {
                continue;
            }
            float[] scores = state.scores;
            scorer.score(gather, g, scores, state);
            for (int i = 0; i < g; i++) {
                float d = scores[i];
                if (results.size() < ef || d < results.topScore()) {
                    int s = gather[i];
                    candidates.push(d, s);
                    if (accepts(s, filter, exclude, checkDeleted)) {
                        results.offerBounded(d, s, ef);
                    }
                }
            }
        }
    }
}
