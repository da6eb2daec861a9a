package dev.quiver.internal.hnsw;

import java.util.Arrays;

/**
 * Which slots a search has seen, cleared in O(1): each slot holds the stamp of the search that last visited it and
 * a new search just takes the next stamp. The array is sized to the index once per thread (and grown as the index
 * grows), never allocated per query; it is wiped only when the stamp wraps around.
 */
final class VisitedSet {

    private int[] stamps = new int[0];
    private int stamp;

    /** Starts a new search over slots {@code [0, capacity)}. */
    void reset(int capacity) {
        if (stamps.length < capacity) {
            stamps = new int[Math.max(capacity, stamps.length + (stamps.length >>> 1))];
            stamp = 0;
        }
        if (++stamp == 0) {
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
    }

    /** Marks {@code slot}; returns true if it was not yet visited in this search. */
    boolean visit(int slot) {
        if (slot >= stamps.length) {
            // A slot inserted concurrently after this search started: grow, keeping this search's marks.
            stamps = Arrays.copyOf(stamps, Math.max(slot + 1, stamps.length + (stamps.length >>> 1)));
        }
        if (stamps[slot] == stamp) {
            return false;
        }
        stamps[slot] = stamp;
        return true;
    }

    boolean isVisited(int slot) {
        return slot < stamps.length && stamps[slot] == stamp;
    }
}
