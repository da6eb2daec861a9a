package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.internal.quant.Sq8Codes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * The SQ8 codes of an index over their lifetime: training and retraining (on enable, and when inserted values drift
 * out of the trained range), encoding each written vector, switching off, and reclaiming the code slabs a retrain or a
 * switch-off replaced.
 *
 * <h2>Traversal or scan only</h2>
 * Codes exist for one of two users: graph walks (the database was opened with SQ8 traversal) and the default plan's
 * code scan ({@link SearchDefaults#codeScan}), which may need codes in a database that traverses on float32. A flag on
 * the current codes says which; {@link #traverses} is what "quantized" means to the rest of the index.
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
        /**
         * Graph walks may score these codes (where {@link CodeWalkRule} says they pay); false: they exist only for
         * the default plan's code scan.
         */
        private volatile boolean traverse;
        /** How far walks on these codes re-rank; null until the first walk measures it. */
        private final java.util.concurrent.atomic.AtomicReference<RerankCutoff> cutoff =
                new java.util.concurrent.atomic.AtomicReference<>();

        private Lease(Sq8Codes codes, boolean traverse) {
            this.codes = codes;
            this.traverse = traverse;
        }

        Sq8Codes codes() {
            return codes;
        }

        /** The re-rank cutoff measured on these codes, or null when none was yet. */
        RerankCutoff cutoff() {
            return cutoff.get();
        }

        /** Publishes a cutoff measured on these codes (or pins one: tests, probes). */
        void cutoff(RerankCutoff measured) {
            cutoff.set(measured);
        }

        /**
         * Claims the measurement of these codes' cutoff if it is still {@code seen}, publishing
         * {@link RerankCutoff#MEASURING} meanwhile; false when another search claimed it first.
         */
        boolean claimCutoffMeasurement(RerankCutoff seen) {
            return cutoff.compareAndSet(seen, RerankCutoff.MEASURING);
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

    /** Starts with codes opened from a saved generation; {@code traverse} false: kept for the code scan only. */
    void adopt(Sq8Codes codes, boolean traverse) {
        current = new Lease(codes, traverse);
    }

    /** Whether any codes exist (for traversal or for the code scan). */
    boolean hasCodes() {
        return current != null;
    }

    /** Whether SQ8 traversal is on: graph walks may score the codes (where {@link CodeWalkRule} says they pay). */
    boolean traverses() {
        Lease l = current;
        return l != null && l.traverse;
    }

    /** The codes for one graph walk, or null when the walk is on float32; release as for {@link #acquire}. */
    Lease acquireForTraversal() {
        while (true) {
            Lease l = current;
            if (l == null || !l.traverse) {
                return null;
            }
            if (l.tryAcquire()) {
                return l;
            }
        }
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

    /** The trained quantizer, or null when there are no codes. */
    Sq8Quantizer quantizer() {
        Lease l = current;
        return l == null ? null : l.codes().quantizer();
    }

    /**
     * Grows the current codes with the index's slabs (under the index's allocation lock), and replaced codes that a
     * running search still walks: it may meet slots allocated after the replacement in the lists it reads, and must
     * find them in range (their codes there were never written; its float32 re-rank scores what it returns).
     * HnswConcurrencyTest met "record 16389 outside slab capacity 16384" when only the current codes grew.
     */
    void ensureCapacity(int slots) {
        Lease l = current;
        if (l != null) {
            l.codes().ensureCapacity(slots);
        }
        synchronized (retired) {
            for (Lease r : retired) {
                if (r.tryAcquire()) {
                    try {
                        r.codes().ensureCapacity(slots);
                    } finally {
                        r.release();
                    }
                }
            }
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
                l.codes().encode(slot, vector, l.codes().newScratch(), true);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Trains new codes on the slots {@code live} accepts among the index's slots, encodes every slot, and publishes
     * them; the codes they replace are freed once no search holds them. {@code totalSlots} is read under this class's
     * write lock (see {@link #retrain(IntSupplier, IntPredicate, boolean)}).
     */
    void retrain(IntSupplier totalSlots, IntPredicate live) {
        retrain(totalSlots, live, true);
    }

    /**
     * Codes for the default plan's code scan: trains them (not for traversal) when none exist; existing codes, either
     * kind, already serve the scan.
     */
    void ensureScanCodes(IntSupplier totalSlots, IntPredicate live) {
        if (current == null) {
            retrain(totalSlots, live, false);
        }
    }

    /** Frees codes that exist only for the code scan (the default plan no longer scans them). */
    void dropScanCodes() {
        lock.writeLock().lock();
        try {
            Lease l = current;
            if (l != null && !l.traverse) {
                replace(null);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Stops traversing on the codes; they stay for the code scan when {@code keepForScan}, else are freed once no
     * search holds them.
     */
    void stopTraversal(boolean keepForScan) {
        lock.writeLock().lock();
        try {
            Lease l = current;
            if (keepForScan && l != null) {
                l.traverse = false;
            } else {
                replace(null);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void retrain(IntSupplier slotCount, IntPredicate live, boolean traverse) {
        lock.writeLock().lock();
        try {
            // Read under the lock, never before it: a slot allocated after an earlier read could finish write()
            // before this lock (into no codes, or the old ones) and be linked into the graph after the new codes
            // are published, which would then hold no code for it (HnswConcurrencyTest met "record 16498 outside
            // slab capacity 16384"). Allocation publishes the count before the slot's write() takes the read lock,
            // so every slot written before this point is below it.
            int totalSlots = slotCount.getAsInt();
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
            Sq8Codes codes = new Sq8Codes(quantizer, store.metric());
            codes.ensureCapacity(Math.max(totalSlots, 1));
            byte[] scratch = codes.newScratch();
            // Every slot, written or not: a writer that finished write() before this lock holds its vector in the
            // store; one that has not started will encode into the new codes once they are published.
            for (int s = 0; s < totalSlots; s++) {
                store.read(s, buffer);
                codes.encode(s, buffer, scratch, false);
            }
            Lease previous = current;
            replace(new Lease(codes, traverse || previous != null && previous.traverse));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Retrains when the values inserted since training fall outside its range too often. */
    void retrainIfDrifted(IntSupplier totalSlots, IntPredicate live) {
        Lease l = current;
        if (l != null && l.codes().drifted()) {
            retrain(totalSlots, live, l.traverse);
        }
    }

    private void replace(Lease next) {
        Lease previous = current;
        if (previous != null) {
            synchronized (retired) {
                retired.add(previous); // before it stops being current, so that every allocation grows it (above)
            }
        }
        current = next;
        if (previous != null) {
            synchronized (retired) {
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
