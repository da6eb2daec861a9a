package dev.quiver.internal.hnsw;

/**
 * Walks the layers of an {@link Adjacency} (a live {@link GraphLayers} or a read-only {@link FrozenGraph}): greedy descent on the upper layers and the ef-bounded beam search of
 * one layer. Used by searches and by linking; all scratch lives in the caller's {@link SearchState}.
 *
 * <p>Acceptance ({@link BeamRequest.Acceptance}): a slot enters the results only if it is live (written, not
 * tombstoned), not the excluded node, and accepted by the filter. Rejected slots are still expanded (they keep the graph connected), so deletions and
 * filters never cut off a region. With {@code twoHop}, a rejected neighbour's own neighbours are gathered at once
 * (ACORN-style), which lets a selective filter reach accepted nodes two hops away without first having to beat the
 * beam's worst distance with the rejected node in between.
 *
 * <p>Filtered walks carry a work budget (distances plus bridges, see {@link #work}): a filter whose accepted nodes
 * are few or far from the query can otherwise make the beam wander over most of the graph before it holds ef
 * accepted nodes (the first round measured 30,000 distances per query for 331 accepted nodes). The caller sizes the
 * budget from the cost of the exact scan it falls back to.
 */
final class GraphSearcher {

    private final Adjacency layers;
    /** Whether non-two-hop beams run on a {@link BeamPool} (the default) rather than the two heaps. */
    private final boolean usePool;

    GraphSearcher(Adjacency layers) {
        // -Dquiver.beam.heaps=true walks on the heaps: kept for same-run A/B measurements (LoopAb) and as the
        // reference the pool is tested against.
        this(layers, !Boolean.getBoolean("quiver.beam.heaps"));
    }

    GraphSearcher(Adjacency layers, boolean usePool) {
        this.layers = layers;
        this.usePool = usePool;
    }

    /** Filter value meaning: accept every slot that exists (and is not tombstoned, when that is checked). */
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
     * Greedy descent from {@code entry} (score {@code entryScore}) through the layers {@code top} down to
     * {@code level + 1}, as every walk reaches the layer its beam starts on; returns the slot reached and leaves its
     * score in {@code state.hitScores[0]}.
     */
    int descend(QueryScorer scorer, int entry, float entryScore, int top, int level, SearchState state) {
        int cur = entry;
        float curScore = entryScore;
        for (int l = top; l > level; l--) {
            cur = greedy(scorer, cur, curScore, l, state);
            curScore = state.hitScores[0];
        }
        state.hitScores[0] = curScore;
        return cur;
    }

    /**
     * Hill-climbs on {@code level} from {@code entry} to a local minimum (ef = 1); returns the slot and leaves its score
     * in {@code state.hitScores[0]}.
     */
    int greedy(QueryScorer scorer, int entry, float entryScore, int level, SearchState state) {
        return greedy(scorer, entry, entryScore, level, Long.MAX_VALUE, state);
    }

    /**
     * {@link #greedy(QueryScorer, int, float, int, SearchState)} that stops expanding once {@code state.distances}
     * reaches {@code distanceBudget} (a caller's visit limit is then overshot by at most one neighbour list).
     */
    int greedy(QueryScorer scorer, int entry, float entryScore, int level, long distanceBudget, SearchState state) {
        int best = entry;
        float bestScore = entryScore;
        boolean improved = true;
        while (improved && state.distances < distanceBudget) {
            improved = false;
            int n = layers.readNeighbors(best, level, state.neighbors);
            scorer.score(state.neighbors, n, state.scores, state);
            state.expanded++;
            state.distances += n;
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
     * A rejected node crossed as a two-hop bridge costs about this fraction of a distance: it reads one neighbour
     * list and tests each entry against the visited stamps and the filter, but computes no distance.
     */
    static final int BRIDGES_PER_DISTANCE = 3;

    /** The work of the search so far, in distance computations (see {@link #BRIDGES_PER_DISTANCE}). */
    static long work(SearchState state) {
        return state.distances + (long) state.bridges / BRIDGES_PER_DISTANCE;
    }

    /** Scores the {@code g} gathered slots into {@code state.scores} (returned) and counts them as distances. */
    private static float[] score(QueryScorer scorer, int[] gather, int g, SearchState state) {
        float[] scores = state.scores;
        scorer.score(gather, g, scores, state);
        state.distances += g;
        return scores;
    }

    /**
     * The beam without two-hop expansion, on a {@link BeamPool}: the same walk as the heaps below, in fewer
     * unpredictable branches. Leaves the collected slots in {@code state.results} as the heap walk does.
     */
    private boolean poolBeam(QueryScorer scorer, int level, int ef, SlotFilter filter, int exclude,
                             boolean checkDeleted, long workBudget, int entryCount, SearchState state) {
        VisitedSet visited = state.visited;
        BeamPool pool = state.pool;
        pool.reset(ef);
        for (int i = 0; i < entryCount; i++) {
            int e = state.candSlots[i];
            if (visited.visit(e) && pool.admits(state.candScores[i])) {
                pool.insert(state.candScores[i], e, accepts(e, filter, exclude, checkDeleted));
            }
        }
        boolean collectAll = filter == ALL_LIVE && !checkDeleted && exclude < 0;
        int[] nbrs = state.neighbors;
        while (pool.hasNext()) {
            if (work(state) > workBudget) {
                pool.drainTo(state.results);
                return false;
            }
            int c = pool.next();
            int n = layers.readNeighbors(c, level, nbrs);
            state.expanded++;
            int[] gather = state.gather;
            int g = visited.gatherUnvisited(nbrs, n, gather);
            if (g == 0) {
                continue;
            }
            float[] scores = score(scorer, gather, g, state);
            for (int i = 0; i < g; i++) {
                float d = scores[i];
                if (pool.admits(d)) {
                    int s = gather[i];
                    pool.insert(d, s, collectAll || accepts(s, filter, exclude, checkDeleted));
                }
            }
        }
        pool.drainTo(state.results);
        return true;
    }

    /**
     * Beam search of {@code request.level()} from the {@code entryCount} entries in {@code state.candSlots/candScores};
     * on return {@code state.results} holds up to {@code ef} accepted slots (a max-heap: the worst on top). Gives up
     * once {@link #work} exceeds the request's budget: returns false then, with {@code state.results} incomplete (the
     * caller answers some other way, e.g. with an exact scan whose cost the budget was sized from). Returns true when
     * the beam converged.
     */
    boolean beam(BeamRequest request, int entryCount, SearchState state) {
        // The request's fields in locals: this is the hottest loop of every search and every insert.
        QueryScorer scorer = request.scorer();
        int level = request.level();
        int ef = request.ef();
        SlotFilter filter = request.accept().filter();
        int exclude = request.accept().exclude();
        boolean checkDeleted = request.accept().checkDeleted();
        boolean twoHop = request.twoHop();
        int capacity = request.capacity();
        long workBudget = request.workBudget();
        VisitedSet visited = state.visited;
        ScoreHeap candidates = state.candidates;
        ScoreHeap results = state.results;
        visited.reset(capacity);
        if (request.accept().hideExcluded() && exclude >= 0) {
            visited.visit(exclude); // never scored, never expanded
        }
        if (!twoHop && usePool) {
            return poolBeam(scorer, level, ef, filter, exclude, checkDeleted, workBudget, entryCount, state);
        }
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
            if (work(state) > workBudget) {
                return false;
            }
            int c = candidates.pop();
            int n = layers.readNeighbors(c, level, nbrs);
            state.expanded++;
            int g = 0;
            int[] gather = state.gather;
            if (!twoHop) {
                g = visited.gatherUnvisited(nbrs, n, gather);
            } else {
                // ACORN-style: score only accepted nodes; a rejected neighbour is a bridge whose accepted
                // neighbours are taken instead, up to one list's worth (the degree), so a selective filter neither
                // strands the walk nor makes one expansion score hundreds of nodes.
                int budget = layers.maxDegree(level);
                int bridges = 0;
                for (int i = 0; i < n; i++) {
                    int s = nbrs[i];
                    if (visited.isVisited(s)) {
                        continue;
                    }
                    if (accepts(s, filter, exclude, checkDeleted)) {
                        visited.visit(s);
                        gather[g++] = s;
                    } else {
                        nbrs[bridges++] = s; // compacts the rejected ones to the front of nbrs
                    }
                }
                for (int b = 0; b < bridges && g < budget; b++) {
                    int s = nbrs[b];
                    visited.visit(s);
                    state.bridges++;
                    int n2 = layers.readNeighbors(s, level, nbrs2);
                    for (int j = 0; j < n2 && g < budget; j++) {
                        int t = nbrs2[j];
                        if (!visited.isVisited(t) && accepts(t, filter, exclude, checkDeleted)) {
                            visited.visit(t);
                            gather[g++] = t;
                        }
                    }
                }
                if (g == 0) {
                    // No accepted node within two hops: keep walking through the rejected ones, scored as usual.
                    for (int b = 0; b < bridges; b++) {
                        visited.visit(nbrs[b]);
                        gather[g++] = nbrs[b];
                    }
                }
            }
            if (g == 0) {
                continue;
            }
            float[] scores = score(scorer, gather, g, state);
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
        return true;
    }
}
