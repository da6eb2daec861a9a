package dev.quiver.internal.hnsw;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The graph's entry node and the top level, read together in one atomic load: {@code (level << 32) | slot}, or
 * {@link #NONE} for an empty graph. Changed only under its own monitor, which is never held together with a
 * node stripe lock.
 */
final class EntryPoint {

    static final long NONE = -1L;

    private final AtomicLong packed = new AtomicLong(NONE);

    long get() {
        return packed.get();
    }

    static int slot(long packed) {
        return (int) packed;
    }

    static int level(long packed) {
        return (int) (packed >>> 32);
    }

    static long pack(int slot, int level) {
        return ((long) level << 32) | (slot & 0xffffffffL);
    }

    synchronized boolean setIfEmpty(int slot, int level) {
        if (packed.get() != NONE) {
            return false;
        }
        packed.set(pack(slot, level));
        return true;
    }

    /** Makes {@code slot} the entry if its level is above the current top. */
    synchronized void raise(int slot, int level) {
        long p = packed.get();
        if (p == NONE || level > level(p)) {
            packed.set(pack(slot, level));
        }
    }

    synchronized void set(long value) {
        packed.set(value);
    }

    synchronized boolean compareAndSet(long expected, long value) {
        return packed.compareAndSet(expected, value);
    }
}
