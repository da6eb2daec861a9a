package dev.quiver.internal.hnsw;

import java.util.Arrays;

/**
 * Which slots a search has seen, never cleared whole: each slot holds the one-byte stamp of the search that last
 * visited it and a new search takes the next stamp (1..255). The array is sized to the index once per thread (and
 * grown as the index grows), never allocated per query.
 *
 * <p>One byte per slot, not an int: the array is read once per neighbour met, at random, and a quarter of the size
 * stays in L2 beside the vectors streaming through it (100k slots: 100 KB instead of 400 KB; 5-8% less CPU per query
 * on a 100k x 100 set, bench/results/loop.md). A stamp comes back every 255 searches, so stale marks must be gone by
 * then: each search first zeroes the next 1/{@value #REGIONS} of the array, so every region is wiped once in any
 * {@value #REGIONS} consecutive searches, before a stamp can repeat. That is about {@code n / 254} bytes per search
 * (40 KB at 10M slots), never a whole-array wipe on one call.
 */
final class VisitedSet {

    /** Regions wiped in turn; fewer than the 255 stamps, so a region is wiped between two uses of a stamp. */
    static final int REGIONS = 254;

    private byte[] stamps = new byte[0];
    private int stamp;
    private int nextRegion;

    /** Starts a new search over slots {@code [0, capacity)}. */
    void reset(int capacity) {
        if (stamps.length < capacity) {
            stamps = new byte[Math.max(capacity, stamps.length + (stamps.length >>> 1))];
            stamp = 0;
            nextRegion = 0;
        }
        stamp = stamp == 255 ? 1 : stamp + 1;
        int n = stamps.length;
        int from = (int) ((long) n * nextRegion / REGIONS);
        int to = (int) ((long) n * (nextRegion + 1) / REGIONS);
        Arrays.fill(stamps, from, to, (byte) 0);
        nextRegion = nextRegion + 1 == REGIONS ? 0 : nextRegion + 1;
    }

    /** Marks {@code slot}; returns true if it was not yet visited in this search. */
    boolean visit(int slot) {
        if (slot >= stamps.length) {
            grow(slot);
        }
        byte mark = (byte) stamp;
        if (stamps[slot] == mark) {
            return false;
        }
        stamps[slot] = mark;
        return true;
    }

    /**
     * Marks the first {@code n} of {@code slots} and copies those not visited before into {@code out}, in order
     * (a slot listed twice is copied once); returns how many. Branch-free per slot: whether a neighbour was seen is a
     * coin flip the predictor cannot learn, and a mispredicted branch per neighbour cost more than the stores.
     */
    int gatherUnvisited(int[] slots, int n, int[] out) {
        byte[] marks = stamps;
        byte mark = (byte) stamp;
        int g = 0;
        for (int i = 0; i < n; i++) {
            int s = slots[i];
            if (s >= marks.length) {
                grow(s);
                marks = stamps;
            }
            int fresh = (marks[s] ^ mark) & 0xFF; // non-zero when not yet visited
            marks[s] = mark;
            out[g] = s;
            g += (fresh | -fresh) >>> 31;
        }
        return g;
    }

    boolean isVisited(int slot) {
        return slot < stamps.length && stamps[slot] == (byte) stamp;
    }

    /**
     * A slot inserted concurrently after this search started: grow, keeping this search's marks. The regions are
     * fractions of the length, so after growth some old marks may sit outside the region due next: wipe everything
     * but this search's marks once, which restarts the rotation on the new length.
     */
    private void grow(int slot) {
        byte[] grown = Arrays.copyOf(stamps, Math.max(slot + 1, stamps.length + (stamps.length >>> 1)));
        byte mark = (byte) stamp;
        for (int i = 0; i < stamps.length; i++) {
            if (grown[i] != mark) {
                grown[i] = 0;
            }
        }
        stamps = grown;
        nextRegion = 0;
    }
}
