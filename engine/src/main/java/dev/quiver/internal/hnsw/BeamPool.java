package dev.quiver.internal.hnsw;

import dev.quiver.simd.VectorOps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The beam of one layer search as a single array sorted by distance (the pool of DiskANN-style searches) instead of
 * the textbook pair of heaps. Each entry is a reached slot, flagged once expanded; the next slot to expand is the
 * nearest unexpanded one, found by a cursor that only moves back when an insert lands before it.
 *
 * <p>Why: with a candidate min-heap and a bounded result max-heap, every scored neighbour that makes the beam costs
 * a push into one heap, a sift of the other and later a pop, each a chain of data-dependent, unpredictable branches
 * (a JFR profile of in-cache searches attributed about half of its samples to them). Here the same neighbour costs one
 * search for its insert point and one short {@code arraycopy}: 8-14% less CPU per in-cache query
 * (bench/results/session4.md). The insert point is found by a SIMD scan rather than a binary search, whose eight
 * dependent loads at ef 200 were 15% of an in-cache query (bench/results/session6.md).
 *
 * <p>The same walk as the two heaps, up to the order among entries at exactly equal distance (which of two tied
 * entries is expanded first, evicted, or kept behind the worst collectable one; the heaps' choice there is an accident
 * of their layout too, and SQ8 scores, being integers times a scale, do tie). The heaps expand a candidate only while
 * it is no farther than the worst of the
 * {@code ef} collected results, and stop at the first that is; the pool keeps exactly the entries no farther than the
 * worst of the {@code ef} nearest <em>collectable</em> entries (all of them while fewer than {@code ef} are
 * collectable) and expands them nearest first. Entries that may be walked through but not returned (a filter's
 * rejects, tombstones, the excluded node) are kept and expanded like the rest but do not count toward {@code ef}.
 */
final class BeamPool {

    private static final byte EXPANDED = 1;
    private static final byte NOT_COLLECTABLE = 2;
    /** The {@link #EXPANDED} bit of each of eight flags read as one long. */
    private static final long EXPANDED_BYTES = 0x0101010101010101L;
    private static final VarHandle EIGHT_FLAGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** Flags beyond the last entry, so that eight can be read from any entry. */
    private static final int FLAG_SLACK = Long.BYTES;

    private float[] dists = new float[64];
    private int[] slots = new int[64];
    private byte[] flags = new byte[64 + FLAG_SLACK];
    /** Indexes of the collectable entries, farthest first (scratch of {@link #drainTo}). */
    private int[] order = new int[64];
    private int size;
    private int collectable;
    private int cursor;
    private int ef;

    /** Empties the pool for a search that collects {@code ef} slots. */
    void reset(int ef) {
        this.ef = ef;
        size = 0;
        collectable = 0;
        cursor = 0;
    }

    /** Whether an entry at {@code distance} would enter the pool now. */
    boolean admits(float distance) {
        return collectable < ef || distance < dists[size - 1];
    }

    /**
     * Adds a reached slot unless the pool is full of nearer collectable entries; returns whether it entered. A
     * collectable entry that makes {@code ef + 1} evicts the worst collectable one, and once {@code ef} are
     * collectable, the uncollectable entries behind the worst of them go.
     */
    boolean insert(float distance, int slot, boolean isCollectable) {
        if (!admits(distance)) {
            return false;
        }
        if (size == dists.length) {
            grow();
        }
        int at = VectorOps.countAtMost(dists, size, distance); // after its equals: ties keep arrival order
        int tail = size - at;
        if (tail > 0) {
            System.arraycopy(dists, at, dists, at + 1, tail);
            System.arraycopy(slots, at, slots, at + 1, tail);
            System.arraycopy(flags, at, flags, at + 1, tail);
        }
        dists[at] = distance;
        slots[at] = slot;
        flags[at] = isCollectable ? 0 : NOT_COLLECTABLE;
        size++;
        if (at < cursor) {
            cursor = at;
        }
        if (isCollectable) {
            if (++collectable > ef) {
                // The last entry is collectable (the invariant below held before this insert) and farther than the
                // new one: evict it.
                size--;
                collectable--;
            }
            if (collectable == ef) {
                // Invariant once ef are collectable: nothing is kept behind the worst of them (the heaps would stop
                // before expanding it).
                while ((flags[size - 1] & NOT_COLLECTABLE) != 0) {
                    size--;
                }
            }
        }
        return true;
    }

    private void grow() {
        int n = dists.length * 2;
        dists = Arrays.copyOf(dists, n);
        slots = Arrays.copyOf(slots, n);
        flags = Arrays.copyOf(flags, n + FLAG_SLACK);
    }

    /** Whether an entry is left to expand. */
    boolean hasNext() {
        return cursor < size;
    }

    /**
     * The nearest unexpanded entry's slot, now flagged expanded. The next unexpanded one is searched eight flags at a
     * time: the entries behind the cursor are mostly expanded (nearest first), and an insert ahead of the cursor sends
     * it back over all of them.
     */
    int next() {
        int at = cursor;
        flags[at] |= EXPANDED;
        int c = at + 1;
        while (c < size) {
            long unexpanded = ~(long) EIGHT_FLAGS.get(flags, c) & EXPANDED_BYTES;
            if (unexpanded != 0) {
                c += Long.numberOfTrailingZeros(unexpanded) >>> 3;
                break;
            }
            c += Long.BYTES;
        }
        cursor = Math.min(c, size);
        return slots[at];
    }

    /** Collectable entries held. */
    int collected() {
        return collectable;
    }

    /**
     * Moves the collectable entries into {@code results} (a max-heap), farthest first: already in heap order, so
     * draining them later needs no sifting either.
     */
    void drainTo(ScoreHeap results) {
        if (order.length < size) {
            order = new int[dists.length];
        }
        int n = 0;
        for (int i = size - 1; i >= 0; i--) {
            if ((flags[i] & NOT_COLLECTABLE) == 0) {
                order[n++] = i;
            }
        }
        results.fillSorted(dists, slots, order, n);
    }
}
