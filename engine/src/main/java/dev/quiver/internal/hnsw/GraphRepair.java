package dev.quiver.internal.hnsw;

import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * Keeps the graph navigable when records change: an update re-links the node (its in-links removed first), a delete
 * repairs the lists around the tombstone once they hold too many and moves the entry point off it, and a full sweep
 * repairs every list that points at a tombstone. Callers serialise updates (the index's update lock); deletes and
 * sweeps may run beside inserts and searches (each list is rewritten under its stripe lock by {@link GraphLinker}).
 */
final class GraphRepair {

    /** A node whose list has at least this fraction of tombstones is repaired on the next delete nearby. */
    static final double REPAIR_TOMBSTONE_RATIO = 0.25;

    private final VectorSlabs store;
    private final GraphLayers layers;
    private final GraphLinker linker;
    private final EntryPoint entry;
    private final QuantizationLifecycle vectors;
    private final IntSupplier totalSlots;

    GraphRepair(VectorSlabs store, GraphLayers layers, GraphLinker linker, EntryPoint entry,
                QuantizationLifecycle vectors, IntSupplier totalSlots) {
        this.store = store;
        this.layers = layers;
        this.linker = linker;
        this.entry = entry;
        this.vectors = vectors;
        this.totalSlots = totalSlots;
    }

    /**
     * Replaces the vector of {@code slot} and re-links it. An identical vector is a no-op. The node's in-links are
     * removed from its old neighbours and from the nodes a beam search around the old vector finds (the nodes that
     * chose it as a neighbour); then it is linked afresh. A deleted slot gets the new vector and stays hidden.
     */
    void relink(int slot, float[] vector, SearchState state) {
        if (store.sameAs(slot, vector)) {
            return;
        }
        if (layers.isDeleted(slot)) {
            vectors.write(slot, vector);
            return;
        }
        int level = layers.level(slot);
        float[] old = new float[store.dim()];
        store.read(slot, old);
        removeInLinks(slot, level, old, state);
        int start = -1;
        long ep = entry.get();
        if (EntryPoint.slot(ep) == slot) {
            start = otherEntryCandidate(slot, level, state);
        }
        linker.clearLists(slot);
        vectors.write(slot, vector);
        if (EntryPoint.slot(ep) == slot && start < 0) {
            return; // the only live node: nothing to link to
        }
        linker.link(slot, vector, start, totalSlots.getAsInt(), state);
    }

    private void removeInLinks(int slot, int level, float[] oldVector, SearchState state) {
        int total = totalSlots.getAsInt();
        for (int l = level; l >= 0; l--) {
            // Holders: the node's own neighbours (links are mostly symmetric) and what a search for it finds.
            int n = layers.readNeighbors(slot, l, state.neighbors);
            int[] holders = Arrays.copyOf(state.neighbors, n);
            for (int s : holders) {
                linker.unlink(s, l, slot, state);
            }
            if (l == 0) {
                int found = linker.nearestOnLayer0(slot, oldVector, total, s -> true, state);
                int[] more = Arrays.copyOf(state.candSlots, found);
                for (int s : more) {
                    if (contains(s, 0, slot, state)) {
                        linker.unlink(s, 0, slot, state);
                    }
                }
            }
        }
    }

    private boolean contains(int node, int level, int target, SearchState state) {
        int n = layers.readNeighbors(node, level, state.neighbors2);
        for (int i = 0; i < n; i++) {
            if (state.neighbors2[i] == target) {
                return true;
            }
        }
        return false;
    }

    /** A live node other than {@code slot} to start from when {@code slot} is the entry point. */
    private int otherEntryCandidate(int slot, int level, SearchState state) {
        for (int l = level; l >= 0; l--) {
            int n = layers.readNeighbors(slot, l, state.neighbors);
            for (int i = 0; i < n; i++) {
                if (layers.isLive(state.neighbors[i]) && state.neighbors[i] != slot) {
                    return state.neighbors[i];
                }
            }
        }
        int best = -1;
        int total = totalSlots.getAsInt();
        for (int s = 0; s < total; s++) {
            if (s != slot && layers.isLive(s) && (best < 0 || layers.level(s) > layers.level(best))) {
                best = s;
            }
        }
        return best;
    }

    /**
     * After {@code slot} was tombstoned: moves the entry point off it, and repairs the lists around it that now hold
     * at least {@link #REPAIR_TOMBSTONE_RATIO} tombstones.
     */
    void afterDelete(int slot, SearchState state) {
        if (EntryPoint.slot(entry.get()) == slot) {
            moveEntryOff(slot, state);
        }
        int level = layers.level(slot);
        for (int l = 0; l <= level; l++) {
            int n = layers.readNeighbors(slot, l, state.neighbors);
            int[] around = Arrays.copyOf(state.neighbors, n);
            for (int s : around) {
                if (layers.isLive(s) && tombstoneRatio(s, l, state) >= REPAIR_TOMBSTONE_RATIO) {
                    linker.repair(s, l, -1, state);
                }
            }
        }
    }

    private double tombstoneRatio(int node, int level, SearchState state) {
        int n = layers.readNeighbors(node, level, state.neighbors2);
        if (n == 0) {
            return 0;
        }
        int dead = 0;
        for (int i = 0; i < n; i++) {
            if (!layers.isLive(state.neighbors2[i])) {
                dead++;
            }
        }
        return (double) dead / n;
    }

    private void moveEntryOff(int slot, SearchState state) {
        long before = entry.get();
        if (EntryPoint.slot(before) != slot) {
            return;
        }
        int replacement = otherEntryCandidate(slot, EntryPoint.level(before), state);
        long next = replacement < 0 ? EntryPoint.NONE : EntryPoint.pack(replacement, layers.level(replacement));
        // A concurrent insert may have raised the entry meanwhile; then it is not on the deleted node any more.
        entry.compareAndSet(before, next);
        if (replacement >= 0 && next != EntryPoint.NONE) {
            // The replacement may sit below the old top: keep the highest live node reachable as entry.
            int best = replacement;
            int total = totalSlots.getAsInt();
            for (int s = 0; s < total; s++) {
                if (layers.isLive(s) && layers.level(s) > layers.level(best)) {
                    best = s;
                }
            }
            if (best != replacement) {
                entry.compareAndSet(next, EntryPoint.pack(best, layers.level(best)));
            }
        }
    }

    /**
     * Repairs every live list that points at a tombstone (reconnecting through the tombstone's neighbours).
     * Linear in the index size; {@link #afterDelete} repairs locally, this is the full sweep. Returns the number of
     * lists rewritten.
     */
    int sweep(SearchState state) {
        int total = totalSlots.getAsInt();
        int repaired = 0;
        for (int s = 0; s < total; s++) {
            if (!layers.isLive(s)) {
                continue;
            }
            int level = layers.level(s);
            for (int l = 0; l <= level; l++) {
                if (tombstoneRatio(s, l, state) > 0 && linker.repair(s, l, -1, state)) {
                    repaired++;
                }
            }
        }
        return repaired;
    }
}
