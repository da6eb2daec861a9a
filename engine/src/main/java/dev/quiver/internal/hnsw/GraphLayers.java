package dev.quiver.internal.hnsw;

import dev.quiver.storage.IntRecordSlab;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The adjacency of an HNSW graph in off-heap int slabs, plus the per-node table.
 *
 * <h2>Layout (all ints little-endian)</h2>
 * <ul>
 *   <li>{@code nodes}: 4 ints per slot: {@code [flags][level][upperBase][reserved]}. {@code flags} bit 0 = the vector
 *       is written (the slot exists for exact scans), bit 1 = tombstone. {@code upperBase} is the index in
 *       {@code upper} of the node's level-1 record (levels 1..level are consecutive records), or -1.</li>
 *   <li>{@code layer0}: {@code 2 + M0} ints per slot: {@code [version][count][neighbour slots...]}, so a node's
 *       layer-0 list is found by multiplication, no indirection.</li>
 *   <li>{@code upper}: {@code 2 + M} ints per record, same shape; records are handed out by an atomic cursor, only
 *       to nodes drawn above level 0 (about n/M of them), so the upper layers cost ~n/M records in total.</li>
 * </ul>
 *
 * <h2>Concurrency: writers lock, readers validate</h2>
 * Writers of a node's lists hold that node's stripe lock ({@link #lock}). A writer never holds two stripe locks
 * at once, so there is no lock order to get wrong and no deadlock between writers; the entry-point lock of
 * {@link HnswIndex} is only ever taken with no stripe lock held.
 * Readers take no lock: each list carries a sequence number ({@code version}) that a writer makes odd before it
 * changes the list and even (with release semantics) after. A reader copies count and entries between two reads of
 * the version and retries if they differ or are odd (a seqlock), so it never acts on a torn list and never waits
 * for more than one list rewrite. Appending a neighbour is a rewrite of one entry plus the count, so readers retry
 * only when they race with a writer on that very node.
 */
final class GraphLayers extends Adjacency implements AutoCloseable {

    static final int FLAG_PRESENT = 1;
    static final int FLAG_DELETED = 2;

    static final int NODE_INTS = 4;
    private static final int N_FLAGS = 0;
    private static final int N_LEVEL = 1;
    private static final int N_UPPER = 2;

    private static final int L_VERSION = 0;
    private static final int L_COUNT = 1;
    private static final int L_FIRST = 2;

    private static final int LOCK_STRIPES = 1024; // power of two; contention is per neighbourhood, not global

    private final int m;
    private final int m0;
    private final IntRecordSlab nodes;
    private final IntRecordSlab layer0;
    private final IntRecordSlab upper;
    private final AtomicInteger upperRecords;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    GraphLayers(int m) {
        this(m, ints(NODE_INTS), ints(L_FIRST + 2 * m), ints(L_FIRST + m), 0);
    }

    GraphLayers(int m, IntRecordSlab nodes, IntRecordSlab layer0, IntRecordSlab upper, int upperRecordCount) {
        this.m = m;
        this.m0 = 2 * m;
        this.nodes = nodes;
        this.layer0 = layer0;
        this.upper = upper;
        this.upperRecords = new AtomicInteger(upperRecordCount);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        // Layer-0 lists mapped from a saved file move to huge pages in the background, as the vectors do (every
        // expansion reads one at random). Their seqlock writes are safe across the switch (see IntRecordSlab).
        // -Dquiver.hugePages.graph=false keeps them mapped (same-run A/B measurements).
        if (Boolean.parseBoolean(System.getProperty("quiver.hugePages.graph", "true"))) {
            layer0.slab().moveMappedToAnonymousInBackground();
        }
    }

    private static IntRecordSlab ints(int intsPerRecord) {
        return new IntRecordSlab(Slabs.allocate((long) intsPerRecord * Integer.BYTES), intsPerRecord);
    }

    int maxDegree(int level) {
        return level == 0 ? m0 : m;
    }

    IntRecordSlab nodesSlab() {
        return nodes;
    }

    IntRecordSlab layer0Slab() {
        return layer0;
    }

    IntRecordSlab upperSlab() {
        return upper;
    }

    int upperRecordCount() {
        return upperRecords.get();
    }

    void ensureCapacity(int slots) {
        nodes.ensureCapacity(slots);
        layer0.ensureCapacity(slots);
    }

    /** Records the level of a fresh slot and reserves its upper-layer records. */
    void initNode(int slot, int level) {
        int base = -1;
        if (level > 0) {
            base = upperRecords.getAndAdd(level);
            upper.ensureCapacity(base + level);
        }
        nodes.setInt(slot, N_LEVEL, level);
        nodes.setInt(slot, N_UPPER, base);
    }

    int level(int slot) {
        return nodes.getInt(slot, N_LEVEL);
    }

    int flags(int slot) {
        return nodes.getIntAcquire(slot, N_FLAGS);
    }

    boolean isDeleted(int slot) {
        return (flags(slot) & FLAG_DELETED) != 0;
    }

    /** Written and not deleted. */
    boolean isLive(int slot) {
        return flags(slot) == FLAG_PRESENT;
    }

    void markPresent(int slot) {
        setFlag(slot, FLAG_PRESENT);
    }

    /** Sets the tombstone; false if it was already set. */
    boolean markDeleted(int slot) {
        return setFlag(slot, FLAG_DELETED);
    }

    private boolean setFlag(int slot, int flag) {
        while (true) {
            int f = nodes.getIntVolatile(slot, N_FLAGS);
            if ((f & flag) != 0) {
                return false;
            }
            if (nodes.compareAndSetInt(slot, N_FLAGS, f, f | flag)) {
                return true;
            }
        }
    }

    ReentrantLock lock(int slot) {
        return locks[slot & (LOCK_STRIPES - 1)];
    }

    private IntRecordSlab slabFor(int level) {
        return level == 0 ? layer0 : upper;
    }

    private int recordFor(int slot, int level) {
        return level == 0 ? slot : nodes.getInt(slot, N_UPPER) + level - 1;
    }

    /**
     * Copies the neighbours of {@code slot} on {@code level} into {@code dst} and returns how many; lock-free and never
     * torn (see the class comment). {@code dst} must hold {@link #maxDegree}(level) ints.
     */
    int readNeighbors(int slot, int level, int[] dst) {
        IntRecordSlab slab = slabFor(level);
        int record = recordFor(slot, level);
        int max = maxDegree(level);
        for (int spins = 0; ; spins++) {
            int before = slab.getIntAcquire(record, L_VERSION);
            if ((before & 1) == 0) {
                int count = slab.getInt(record, L_COUNT);
                if (count >= 0 && count <= max) {
                    slab.getInts(record, L_FIRST, dst, count);
                    VarHandle.loadLoadFence(); // the copy above happens before the re-check below
                    if (slab.getInt(record, L_VERSION) == before) {
                        return count;
                    }
                }
            }
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                healStaleVersion(slot, slab, record, max);
                Thread.yield(); // the writer may have been descheduled mid-write on a busy machine
            }
        }
    }

    /**
     * An odd version with nobody holding the node's lock is not a write in progress but a stale one (a list saved
     * mid-write and mapped back): writers only ever hold an odd version under the lock. Make it even, with the count
     * clamped, so readers do not spin forever.
     */
    private void healStaleVersion(int slot, IntRecordSlab slab, int record, int max) {
        ReentrantLock lock = lock(slot);
        if (lock.isLocked() || !lock.tryLock()) {
            return;
        }
        try {
            int version = slab.getIntVolatile(record, L_VERSION);
            if ((version & 1) != 0) {
                int count = slab.getInt(record, L_COUNT);
                slab.setInt(record, L_COUNT, Math.max(0, Math.min(count, max)));
                slab.setIntRelease(record, L_VERSION, version + 1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Neighbour count as last published; for statistics (may be stale by the time it is used). */
    int neighborCount(int slot, int level) {
        return slabFor(level).getIntAcquire(recordFor(slot, level), L_COUNT);
    }

    /** Replaces the list of {@code slot} on {@code level}. The caller holds {@link #lock}(slot). */
    void writeNeighbors(int slot, int level, int[] src, int count) {
        assert lock(slot).isHeldByCurrentThread();
        assert count <= maxDegree(level) : count + " > " + maxDegree(level);
        IntRecordSlab slab = slabFor(level);
        int record = recordFor(slot, level);
        int version = slab.getInt(record, L_VERSION) & ~1; // & ~1: a stale odd version (see healStaleVersion)
        slab.setInt(record, L_VERSION, version + 1);
        VarHandle.storeStoreFence(); // readers see the odd version before any changed entry
        try {
            slab.setInts(record, L_FIRST, src, count);
            slab.setInt(record, L_COUNT, count);
        } finally {
            slab.setIntRelease(record, L_VERSION, version + 2); // never leave readers spinning on an odd version
        }
    }

    /** Appends one neighbour if there is room; returns false when the list is full. The caller holds the lock. */
    boolean tryAppend(int slot, int level, int neighbor) {
        assert lock(slot).isHeldByCurrentThread();
        IntRecordSlab slab = slabFor(level);
        int record = recordFor(slot, level);
        int count = slab.getInt(record, L_COUNT);
        if (count >= maxDegree(level)) {
            return false;
        }
        int version = slab.getInt(record, L_VERSION) & ~1; // & ~1: a stale odd version (see healStaleVersion)
        slab.setInt(record, L_VERSION, version + 1);
        VarHandle.storeStoreFence();
        try {
            slab.setInt(record, L_FIRST + count, neighbor);
            slab.setInt(record, L_COUNT, count + 1);
        } finally {
            slab.setIntRelease(record, L_VERSION, version + 2);
        }
        return true;
    }

    long reservedBytes() {
        return bytes(nodes) + bytes(layer0) + bytes(upper);
    }

    private static long bytes(IntRecordSlab s) {
        return s.slab().chunkBytes() * s.slab().chunkCount();
    }

    @Override
    public void close() {
        nodes.close();
        layer0.close();
        upper.close();
    }
}
