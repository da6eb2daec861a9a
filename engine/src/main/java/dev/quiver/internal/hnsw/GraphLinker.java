package dev.quiver.internal.hnsw;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Links nodes into the graph: finds candidates with the beam search, picks diverse neighbours, writes the node's
 * lists and the back-links (pruning a full list with the same heuristic), and repairs lists that point at
 * tombstones. Thread-safe; each call holds at most one node stripe lock at a time (see {@link GraphLayers}).
 */
final class GraphLinker {

    private final VectorSlabs store;
    private final GraphLayers layers;
    private final GraphSearcher searcher;
    private final NeighborSelector selector;
    private final EntryPoint entry;
    private final int efConstruction;
    /** Whether the index holds tombstones: only then must a linking beam read each collected slot's flags. */
    private final java.util.function.BooleanSupplier hasTombstones;

    GraphLinker(VectorSlabs store, GraphLayers layers, GraphSearcher searcher, EntryPoint entry, int efConstruction,
                java.util.function.BooleanSupplier hasTombstones) {
        this.hasTombstones = hasTombstones;
        this.store = store;
        this.layers = layers;
        this.searcher = searcher;
        this.selector = new NeighborSelector(store);
        this.entry = entry;
        this.efConstruction = efConstruction;
    }

    /**
     * Links {@code node} (vector already stored, level recorded) into every layer up to its level.
     *
     * @param startOverride an entry to use when the entry point is {@code node} itself (re-linking), else -1
     * @param capacity      slots that may be visited
     */
    void link(int node, float[] vector, int startOverride, int capacity, SearchState state) {
        int level = layers.level(node);
        if (entry.setIfEmpty(node, level)) {
            return;
        }
        long ep = entry.get();
        int epSlot = EntryPoint.slot(ep);
        int top = EntryPoint.level(ep);
        if (epSlot == node) {
            if (startOverride < 0) {
                return; // the only node: nothing to link to
            }
            epSlot = startOverride;
            top = Math.min(top, layers.level(startOverride));
        }
        QueryScorer scorer = new FloatScorer(store, vector);
        int cur = searcher.descend(scorer, epSlot, scorer.score(epSlot), top, level, state);
        float curScore = state.hitScores[0];
        state.candSlots[0] = cur;
        state.candScores[0] = curScore;
        int entries = 1;
        for (int l = Math.min(level, top); l >= 0; l--) {
            searcher.beam(BeamRequest.linking(scorer, l, efConstruction, node, capacity, hasTombstones.getAsBoolean()),
                    entries, state);
            int found = drainAscending(state);
            if (found == 0) {
                continue; // every candidate is tombstoned; keep the previous entries
            }
            int kept = selector.select(state.candSlots, state.candScores, found, layers.maxDegree(l), false, state);
            // Copy: writing the list and the back-links reuse state.chosen.
            int[] picked = java.util.Arrays.copyOf(state.chosen, kept);
            float[] pickedScores = java.util.Arrays.copyOf(state.chosenScores, kept);
            writeOwnList(node, l, picked, pickedScores, kept, state);
            for (int i = 0; i < kept; i++) {
                addBackLink(picked[i], l, node, pickedScores[i], state);
            }
            entries = found;
        }
        if (level > top) {
            entry.raise(node, level);
        }
    }

    /**
     * The live nodes nearest to {@code vector} that a linking beam on layer 0 finds (never {@code node}), nearest
     * first, into {@code state.candSlots} / {@code candScores}; returns how many. The beam starts where the descent
     * through the upper layers that {@link #link} makes ends, if {@code canStart} accepts that node, else at the entry
     * point. Used to find a node's in-link holders before an update ({@link GraphRepair}) and in-link candidates for a
     * node no path reaches ({@link GraphConnector}).
     */
    int nearestOnLayer0(int node, float[] vector, int capacity, java.util.function.IntPredicate canStart,
                        SearchState state) {
        long ep = entry.get();
        if (ep == EntryPoint.NONE) {
            return 0;
        }
        QueryScorer scorer = new FloatScorer(store, vector);
        int start = EntryPoint.slot(ep);
        int cur = searcher.descend(scorer, start, scorer.score(start), EntryPoint.level(ep), 0, state);
        float curScore = state.hitScores[0];
        if (!canStart.test(cur)) {
            cur = EntryPoint.slot(ep);
            curScore = scorer.score(cur);
        }
        state.candSlots[0] = cur;
        state.candScores[0] = curScore;
        searcher.beam(BeamRequest.linking(scorer, 0, efConstruction, node, capacity, hasTombstones.getAsBoolean()), 1,
                state);
        return drainAscending(state);
    }

    /** Moves the results heap into candSlots/candScores, nearest first; returns the count. */
    private static int drainAscending(SearchState state) {
        int n = state.results.size();
        state.ensureCandidates(n);
        return state.results.drainReversed(state.candSlots, state.candScores);
    }

    /**
     * Writes the chosen list of {@code node}, merged with any back-links other threads added meanwhile (a node being
     * linked is already reachable on the layers finished before this one).
     */
    private void writeOwnList(int node, int level, int[] picked, float[] pickedScores, int kept, SearchState state) {
        ReentrantLock lock = layers.lock(node);
        lock.lock();
        try {
            int existing = layers.readNeighbors(node, level, state.neighbors2);
            if (existing == 0) {
                layers.writeNeighbors(node, level, picked, kept);
                return;
            }
            int max = layers.maxDegree(level);
            int total = kept;
            int[] merged = java.util.Arrays.copyOf(picked, kept + existing);
            float[] mergedScores = java.util.Arrays.copyOf(pickedScores, kept + existing);
            float[] own = vectorOf(node, state);
            for (int i = 0; i < existing; i++) {
                int s = state.neighbors2[i];
                if (s != node && indexOf(merged, total, s) < 0) {
                    merged[total] = s;
                    mergedScores[total] = store.distance(own, store.norm(node), s);
                    total++;
                }
            }
            if (total <= max) {
                layers.writeNeighbors(node, level, merged, total);
                return;
            }
            NeighborSelector.sortByScore(merged, mergedScores, total);
            int n = selector.select(merged, mergedScores, total, max, true, state);
            layers.writeNeighbors(node, level, state.chosen, n);
        } finally {
            lock.unlock();
        }
    }

    private float[] vectorOf(int node, SearchState state) {
        store.read(node, state.vectorB);
        return state.vectorB;
    }

    private static int indexOf(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Adds {@code node} to the list of {@code target}; a full list is re-selected with the heuristic. */
    void addBackLink(int target, int level, int node, float distance, SearchState state) {
        if (target == node) {
            return;
        }
        ReentrantLock lock = layers.lock(target);
        lock.lock();
        try {
            int n = layers.readNeighbors(target, level, state.neighbors2);
            if (indexOf(state.neighbors2, n, node) >= 0) {
                return;
            }
            if (layers.tryAppend(target, level, node)) {
                return;
            }
            int[] cand = state.candSlots2(n + 1);
            float[] candScores = state.candScores2;
            System.arraycopy(state.neighbors2, 0, cand, 0, n);
            store.read(target, state.vectorB);
            new FloatScorer(store, state.vectorB, store.norm(target)).score(cand, n, candScores, state);
            cand[n] = node;
            candScores[n] = distance;
            NeighborSelector.sortByScore(cand, candScores, n + 1);
            // No top-up to the full degree here (hnswlib's choice): measured 2026-11-24 with HnswRunner, topping up
            // gave +0.01 recall at ef 10-20 on bigann-10k but no better recall per CPU second on wordnet-minilm-384,
            // and 35-60% longer builds (bench/results/hnsw.md).
            int kept = selector.select(cand, candScores, n + 1, layers.maxDegree(level), false, state);
            layers.writeNeighbors(target, level, state.chosen, kept);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rebuilds the list of {@code node} on {@code level} without tombstoned (or {@code drop}) entries: the live
     * neighbours plus the live neighbours of the dropped ones (reconnecting through them), re-selected with the
     * heuristic and topped up to the degree. Returns whether the list changed.
     */
    boolean repair(int node, int level, int drop, SearchState state) {
        ReentrantLock lock = layers.lock(node);
        lock.lock();
        try {
            int n = layers.readNeighbors(node, level, state.neighbors2);
            int[] cand = state.candSlots2(layers.maxDegree(level) * (layers.maxDegree(level) + 1) + 1);
            int total = 0;
            boolean changed = false;
            int[] own = java.util.Arrays.copyOf(state.neighbors2, n);
            for (int i = 0; i < n; i++) {
                int s = own[i];
                if (s != drop && layers.isLive(s)) {
                    if (indexOf(cand, total, s) < 0) {
                        cand[total++] = s;
                    }
                    continue;
                }
                changed = true;
                int n2 = layers.readNeighbors(s, level, state.neighbors2);
                for (int j = 0; j < n2; j++) {
                    int t = state.neighbors2[j];
                    if (t != node && t != drop && layers.isLive(t) && indexOf(cand, total, t) < 0) {
                        cand[total++] = t;
                    }
                }
            }
            if (!changed) {
                return false;
            }
            float[] candScores = state.candScores2;
            store.read(node, state.vectorB);
            FloatScorer scorer = new FloatScorer(store, state.vectorB, store.norm(node));
            state.ensureGather(total);
            scorer.score(cand, total, candScores, state);
            NeighborSelector.sortByScore(cand, candScores, total);
            int kept = selector.select(cand, candScores, total, layers.maxDegree(level), true, state);
            layers.writeNeighbors(node, level, state.chosen, kept);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code target} from the list of {@code node} on {@code level} (repairing the hole). */
    void unlink(int node, int level, int target, SearchState state) {
        repair(node, level, target, state);
    }

    /** Empties the lists of {@code node} on every level. */
    void clearLists(int node) {
        ReentrantLock lock = layers.lock(node);
        lock.lock();
        try {
            int level = layers.level(node);
            for (int l = 0; l <= level; l++) {
                layers.writeNeighbors(node, l, new int[0], 0);
            }
        } finally {
            lock.unlock();
        }
    }
}
