package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.internal.quant.Sq8Codes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntPredicate;

/**
 * The SQ8 codes of an index over their lifetime: training and retraining (on enable, and when inserted values drift
 * out of the trained range), encoding each written vector, switching off, and reclaiming the code slabs a retrain or a
 * switch-off replaced.
 *
 * <h2>Reclaiming</h2>
 * Searches read codes without a lock, so replaced codes cannot be freed at once. A search holds a {@link Lease} on
 * the codes it traverses (a reference count); replaced codes are closed as soon as the last lease on them is released,
 * or at once when none is held. So memory holds at most the current codes plus those still under a running search,
 * not every retrain's slab until the index closes.
 *
 * <h2>Locks</h2>
 * {@code lock} is read by writers encoding a code ({@link #write}) and written by (re)training and switching off, so
 * a training that encodes every slot sees either a writer's new vector or none: no slot ends with a code of a vector
 * it does not hold. It nests inside the index's update lock and outside the node stripe locks.
 */
final class QuantizationLifecycle implements AutoCloseable {

    /** Codes with their reference count; {@link #CLOSED} once freed. */
    static final class Lease {
        private static final int CLOSED = -1;
        private final Sq8Codes codes;
        private final AtomicInteger users = new AtomicInteger();
        private volatile boolean retired;

        private Lease(Sq8Codes codes) {
            this.codes = codes;
        }

        Sq8Codes codes() {
            return codes;
        }

        private boolean tryAcquire() {
            while (true) {
                int n = users.get();
                if (n == CLOSED) {
                    return false;
                }
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        /** Ends a use begun by {@link QuantizationLifecycle#acquire}; the last user of retired codes frees them. */
        void release() {
            if (users.decrementAndGet() == 0 && retired) {
                closeIfUnused();
            }
        }

        private void retire() {
            retired = true;
            closeIfUnused();
        }

        private void closeIfUnused() {
            if (users.compareAndSet(0, CLOSED)) {
                codes.close();
            }
        }

        private boolean isClosed() {
            return users.get() == CLOSED;
        }

        private void forceClose() {
            if (users.getAndSet(CLOSED) != CLOSED) {
                codes.close();
            }
        }
    }

    private final VectorSlabs store;
    private final int dim;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile Lease current;
    /** Replaced codes not yet freed (a search still held them); guarded by itself. */
    private final List<Lease> retired = new ArrayList<>();

    QuantizationLifecycle(VectorSlabs store) {
        this.store = store;
        this.dim = store.dim();
    }

    /** Starts with codes opened from a saved generation. */
    void adopt(Sq8Codes codes) {
        current = new Lease(codes);
    }

    boolean isOn() {
        return current != null;
    }

    /**
     * The current codes for one use (a search, a save), or null when SQ8 is off; the caller must
     * {@link Lease#release()} it.
     */
    Lease acquire() {
        while (true) {
            Lease l = current;
            if (l == null || l.tryAcquire()) {
                return l;
            }
            // Freed between the read and the acquire: a retrain published new codes meanwhile; read again.
        }
    }

    /** The trained quantizer, or null when SQ8 is off. */
    Sq8Quantizer quantizer() {
        Lease l = current;
        return l == null ? null : l.codes().quantizer();
    }

    /** Grows the current codes with the index's slabs (under the index's allocation lock). */
    void ensureCapacity(int slots) {
        Lease l = current;
        if (l != null) {
            l.codes().ensureCapacity(slots);
        }
    }

    /** Writes {@code vector} to the vector store and, when SQ8 is on, its code. */
    void write(int slot, float[] vector) {
        lock.readLock().lock();
        try {
            store.write(slot, vector);
            Lease l = current;
            if (l != null) {
                l.codes().ensureCapacity(slot + 1);
                l.codes().encode(slot, vector, new byte[dim], true);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Trains new codes on the slots {@code live} accepts among {@code [0, totalSlots)}, encodes every slot, and
     * publishes them; the codes they replace are freed once no search holds them.
     */
    void retrain(int totalSlots, IntPredicate live) {
        lock.writeLock().lock();
        try {
            int[] liveSlots = new int[totalSlots];
            int n = 0;
            for (int s = 0; s < totalSlots; s++) {
                if (live.test(s)) {
                    liveSlots[n++] = s;
                }
            }
            float[] buffer = new float[dim];
            Sq8Quantizer quantizer = Sq8Quantizer.train(dim, n, i -> {
                store.read(liveSlots[i], buffer);
                return buffer;
            });
            Sq8Codes codes = new Sq8Codes(quantizer);
            codes.ensureCapacity(Math.max(totalSlots, 1));
            byte[] scratch = new byte[dim];
            // Every slot, written or not: a writer that finished write() before this lock holds its vector in the
            // store; one that has not started will encode into the new codes once they are published.
            for (int s = 0; s < totalSlots; s++) {
                store.read(s, buffer);
                codes.encode(s, buffer, scratch, false);
            }
            replace(new Lease(codes));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Retrains when the values inserted since training fall outside its range too often. */
    void retrainIfDrifted(int totalSlots, IntPredicate live) {
        Lease l = current;
        if (l != null && l.codes().drifted()) {
            retrain(totalSlots, live);
        }
    }

    /** Traverses on float32 from now on; the codes are freed once no search holds them. */
    void switchOff() {
        lock.writeLock().lock();
        try {
            replace(null);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void replace(Lease next) {
        Lease previous = current;
        current = next;
        if (previous != null) {
            synchronized (retired) {
                retired.add(previous);
                previous.retire();
                retired.removeIf(Lease::isClosed);
            }
        }
    }

    /** Replaced codes still held by a running search (tests). */
    int retiredInUse() {
        synchronized (retired) {
            retired.removeIf(Lease::isClosed);
            return retired.size();
        }
    }

    long reservedBytes() {
        Lease l = acquire();
        if (l == null) {
            return 0;
        }
        try {
            return l.codes().reservedBytes();
        } finally {
            l.release();
        }
    }

    /** Frees every code slab; the index is closing and no search runs. */
    @Override
    public void close() {
        Lease l = current;
        current = null;
        if (l != null) {
            l.forceClose();
        }
        synchronized (retired) {
            for (Lease r : retired) {
                r.forceClose();
            }
            retired.clear();
        }
    }
}
