package dev.quiver.internal.hnsw;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes every live node reachable on layer 0 from the entry point, as Lucene's graph builder does when it finishes a
 * graph. The neighbour heuristic prunes back-links, so a node can be left with no in-link at all; every search then
 * passes it by, even a search for its own vector. On freshly built harness graphs (M 16, ef_construction 200) no path
 * on any layer reached 0.05-0.24% of the nodes (fashion-mnist 140-144 of 60,000, wordnet-minilm-384 18-22 of 34,599,
 * hubness:100000:100 49-53 of 100,000, bigann-10k none; bench/results/session15.md).
 *
 * <p>A node found unreachable gets an in-link from the nearest reachable live node with room on layer 0: among its
 * own neighbours first, then among the nodes a linking beam for its vector finds, then among their neighbours. Where
 * none of them has room, the nearest that can trades its farthest neighbour for the node, but never a link of the
 * breadth-first tree the sweep grew from the entry point: every reached node keeps the path it was reached by, so a
 * trade cuts nothing off and one sweep is enough. Everything a new link makes reachable is marked (its tree grown)
 * before the next node is looked at, so a cut-off group costs one link; nodes that found no room are tried again
 * once the sweep has reached more. Layer 0 holds every node and is where every answer is collected, so it alone is
 * connected; the upper layers only route.
 *
 * <p>Lists change under their stripe locks as the linker's do, so searches may run meanwhile; writers must not.
 */
final class GraphConnector {

    /** Rounds of retrying the nodes that found no room, while a round links any. */
    static final int RETRY_ROUNDS = 3;

    private final VectorSlabs store;
    private final GraphLayers layers;
    private final GraphLinker linker;
    private final EntryPoint entry;
    private int appended;
    private int traded;
    /** Calls of {@link #connect} that swept the graph; for tests of when the index skips it. */
    private long sweeps;

    GraphConnector(VectorSlabs store, GraphLayers layers, GraphLinker linker, EntryPoint entry) {
        this.store = store;
        this.layers = layers;
        this.linker = linker;
        this.entry = entry;
    }

    /** Links added by {@link #connect}: appended to a list with room, or traded for a full list's farthest entry. */
    record Links(int appended, int traded) {
        int total() {
            return appended + traded;
        }
    }

    /** Links every live node of {@code [0, slots)} that layer 0 cannot reach; one call at a time (counts in fields). */
    synchronized Links connect(int slots, SearchState state) {
        appended = 0;
        traded = 0;
        if (entry.get() == EntryPoint.NONE) {
            return new Links(0, 0);
        }
        sweeps++;
        Sweep sweep = new Sweep(slots);
        int[] pending = new int[0];
        int pendingCount = 0;
        for (int node = 0; node < slots; node++) {
            if (!sweep.reached.get(node) && layers.isLive(node) && !link(node, sweep, slots, state)) {
                if (pendingCount == pending.length) {
                    pending = Arrays.copyOf(pending, Math.max(16, 2 * pendingCount));
                }
                pending[pendingCount++] = node;
            }
        }
        for (int round = 0; round < RETRY_ROUNDS && pendingCount > 0; round++) {
            int left = 0;
            for (int i = 0; i < pendingCount; i++) {
                int node = pending[i];
                if (!sweep.reached.get(node) && !link(node, sweep, slots, state)) {
                    pending[left++] = node;
                }
            }
            if (left == pendingCount) {
                break; // no progress: nothing more can be linked
            }
            pendingCount = left;
        }
        return new Links(appended, traded);
    }

    synchronized long sweeps() {
        return sweeps;
    }

    /** Whether every live node of {@code [0, slots)} is reachable on layer 0 from the entry point. */
    boolean allReachable(int slots) {
        if (entry.get() == EntryPoint.NONE) {
            return true;
        }
        Sweep sweep = new Sweep(slots);
        for (int node = 0; node < slots; node++) {
            if (!sweep.reached.get(node) && layers.isLive(node)) {
                return false;
            }
        }
        return true;
    }

    /** Gives {@code node} an in-link from a reached node and marks what it now reaches; false if none could take it. */
    private boolean link(int node, Sweep sweep, int slots, SearchState state) {
        float[] vector = new float[store.dim()];
        store.read(node, vector);
        float norm = store.norm(node);
        // Own neighbours first: they were its nearest when it was linked, and reading them costs no search.
        int n = layers.readNeighbors(node, 0, state.neighbors2);
        int[] own = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            int s = state.neighbors2[i];
            if (s != node && sweep.isReached(s) && layers.isLive(s)) {
                own[count++] = s;
            }
        }
        own = nearestFirst(own, count, vector, norm);
        if (appendToAny(own, node, sweep)) {
            return true;
        }
        // The beam starts from a reached node, so all it finds is reached. (The descent may end in the node's own
        // cut-off group: on clustered data layer 0 may join groups only through the links added here.)
        int found = linker.nearestOnLayer0(node, vector, slots, sweep.reached::get, state);
        int[] near = Arrays.copyOf(state.candSlots, found);
        if (appendToAny(near, node, sweep)) {
            return true;
        }
        int[] around = neighboursOf(near, node, sweep, vector, norm);
        if (appendToAny(around, node, sweep)) {
            return true;
        }
        for (int[] tier : new int[][] {own, near, around}) {
            for (int target : tier) {
                if (trade(target, node, sweep, state)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean appendToAny(int[] targets, int node, Sweep sweep) {
        for (int target : targets) {
            if (append(target, node, sweep)) {
                return true;
            }
        }
        return false;
    }

    /** The live reached neighbours of {@code slots}, other than {@code node} and {@code slots}, nearest first. */
    private int[] neighboursOf(int[] slots, int node, Sweep sweep, float[] vector, float norm) {
        int[] sortedSlots = slots.clone();
        Arrays.sort(sortedSlots);
        int[] out = new int[0];
        int count = 0;
        int[] buf = new int[layers.maxDegree(0)];
        for (int s : slots) {
            int n = layers.readNeighbors(s, 0, buf);
            for (int i = 0; i < n; i++) {
                int t = buf[i];
                if (t != node && sweep.isReached(t) && layers.isLive(t) && Arrays.binarySearch(sortedSlots, t) < 0) {
                    if (count == out.length) {
                        out = Arrays.copyOf(out, Math.max(16, 2 * count));
                    }
                    out[count++] = t;
                }
            }
        }
        // Distinct (a set sized by the index would cost n bits for each node that gets here).
        Arrays.sort(out, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || out[i] != out[distinct - 1]) {
                out[distinct++] = out[i];
            }
        }
        return nearestFirst(out, distinct, vector, norm);
    }

    private int[] nearestFirst(int[] slots, int count, float[] vector, float norm) {
        int[] out = Arrays.copyOf(slots, count);
        float[] dist = new float[count];
        for (int i = 0; i < count; i++) {
            dist[i] = store.distance(vector, norm, out[i]);
        }
        NeighborSelector.sortByScore(out, dist, count);
        return out;
    }

    private boolean append(int target, int node, Sweep sweep) {
        ReentrantLock lock = layers.lock(target);
        lock.lock();
        try {
            if (!layers.tryAppend(target, 0, node)) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        appended++;
        sweep.reachedFrom(node, target);
        return true;
    }

    /**
     * Replaces a neighbour of {@code target} that was not reached through it by {@code node}: the farthest tombstone if
     * there is one, else the farthest live one; false when every neighbour of {@code target} was reached through it.
     */
    private boolean trade(int target, int node, Sweep sweep, SearchState state) {
        float[] vector = new float[store.dim()];
        store.read(target, vector);
        float norm = store.norm(target);
        ReentrantLock lock = layers.lock(target);
        lock.lock();
        try {
            int n = layers.readNeighbors(target, 0, state.neighbors2);
            int[] list = Arrays.copyOf(state.neighbors2, n);
            int drop = -1;
            boolean dropDeleted = false;
            float farthest = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (sweep.reachedThrough(list[i], target)) {
                    continue; // a tree link: its node may have no other path
                }
                boolean deleted = layers.isDeleted(list[i]);
                float d = store.distance(vector, norm, list[i]);
                if (deleted && !dropDeleted || deleted == dropDeleted && d > farthest) {
                    drop = i;
                    dropDeleted = deleted;
                    farthest = d;
                }
            }
            if (drop < 0) {
                return false;
            }
            list[drop] = node;
            layers.writeNeighbors(target, 0, list, n);
        } finally {
            lock.unlock();
        }
        traded++;
        sweep.reachedFrom(node, target);
        return true;
    }

    /**
     * Which slots layer 0 reaches from the entry point, and the breadth-first tree they were reached by: the slot
     * whose link first reached each ({@code -1} for the entry and the unreached).
     */
    private final class Sweep {
        final BitSet reached;
        final int[] parent;
        private final int[] queue;
        private final int[] buffer = new int[layers.maxDegree(0)];

        Sweep(int slots) {
            reached = new BitSet(slots);
            parent = new int[slots];
            Arrays.fill(parent, -1);
            queue = new int[Math.max(1, slots)];
            int start = EntryPoint.slot(entry.get());
            if (start < slots) {
                reachedFrom(start, -1);
            }
        }

        boolean isReached(int slot) {
            return slot < parent.length && reached.get(slot);
        }

        /**
         * Whether {@code slot} was reached through {@code from}'s link (a slot past the sweep's range, written by a
         * writer that should not be running, counts as such, so that it is never traded away).
         */
        boolean reachedThrough(int slot, int from) {
            return slot >= parent.length || parent[slot] == from;
        }

        /** Marks {@code node}, reached through {@code from}'s new link, and everything it reaches, growing the tree. */
        void reachedFrom(int node, int from) {
            reached.set(node);
            parent[node] = from;
            int head = 0;
            int tail = 0;
            queue[tail++] = node;
            while (head < tail) {
                int at = queue[head++];
                int n = layers.readNeighbors(at, 0, buffer);
                for (int i = 0; i < n; i++) {
                    int s = buffer[i];
                    if (s < queue.length && !reached.get(s)) {
                        reached.set(s);
                        parent[s] = at;
                        queue[tail++] = s;
                    }
                }
            }
        }
    }
}
