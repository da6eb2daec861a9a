package dev.quiver.internal.hnsw;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The search scratch of one index ({@link SearchState}: visited stamps sized to the index, heaps, buffers), lent to
 * whichever thread searches or links and taken back afterwards. A thread-local would give every new thread (a
 * virtual thread per request, an {@code AsyncDatabase} call) a fresh visited array the size of the index; the pool
 * keeps at most {@link #capacity()} states, however many threads come and go, and a thread that searches again
 * usually gets the same state back (warm in its cache).
 *
 * <p>Lock-free: a state is taken by a compare-and-set of its slot to null and returned by one from null. Slots are one
 * cache line apart, and each thread starts at a slot of its own, so threads searching side by side do not write to a
 * shared line. When more threads than slots search at once, the extra ones get a new state, dropped afterwards if no
 * slot is free (only then is scratch allocated per call).
 */
final class SearchStatePool {

    /** Array elements per slot: 16 references of up to 4 bytes apart puts each slot on its own 64-byte line. */
    private static final int STRIDE = 16;

    private final AtomicReferenceArray<SearchState> slots;
    private final int capacity;
    private final Supplier<SearchState> factory;
    /** States made so far (tests: a fresh thread must not make one when the pool has a free state). */
    private final AtomicInteger created = new AtomicInteger();

    SearchStatePool(int capacity, Supplier<SearchState> factory) {
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity * STRIDE);
        this.factory = factory;
    }

    /** A pool sized for this machine: four states per processor, at least eight. */
    static SearchStatePool forMachine(Supplier<SearchState> factory) {
        return new SearchStatePool(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()), factory);
    }

    int capacity() {
        return capacity;
    }

    /** A state for the calling thread's exclusive use until {@link #release}. */
    SearchState acquire() {
        int home = home();
        for (int i = 0; i < capacity; i++) {
            int index = slotIndex(home + i);
            SearchState s = slots.get(index);
            if (s != null && slots.compareAndSet(index, s, null)) {
                return s;
            }
        }
        created.incrementAndGet();
        return factory.get();
    }

    /** Returns a state taken by {@link #acquire}; kept if a slot is free, else left to the garbage collector. */
    void release(SearchState state) {
        int home = home();
        for (int i = 0; i < capacity; i++) {
            int index = slotIndex(home + i);
            if (slots.get(index) == null && slots.compareAndSet(index, null, state)) {
                return;
            }
        }
    }

    /** States made so far (tests). */
    int created() {
        return created.get();
    }

    /** States held by the pool now (tests). */
    int pooled() {
        int n = 0;
        for (int i = 0; i < capacity; i++) {
            if (slots.get(slotIndex(i)) != null) {
                n++;
            }
        }
        return n;
    }

    private int home() {
        long id = Thread.currentThread().threadId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 33) % capacity;
    }

    private int slotIndex(int i) {
        return (i % capacity) * STRIDE;
    }
}
