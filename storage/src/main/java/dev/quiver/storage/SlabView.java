package dev.quiver.storage;

import java.lang.foreign.MemorySegment;

/**
 * What every typed view of a {@link Slab} shares: it wraps one slab of a fixed stride, owns it (closing the view
 * closes the slab), and hands out the chunk and byte offset of a slot for kernels that read records in place.
 */
public abstract sealed class SlabView implements AutoCloseable
        permits VectorSlab, IntRecordSlab, ByteRecordSlab, FloatSlab, LongSlab {

    protected final Slab slab;

    protected SlabView(Slab slab) {
        this.slab = slab;
    }

    public final Slab slab() {
        return slab;
    }

    /** Slots addressable without growing. */
    public final int capacity() {
        return slab.capacity();
    }

    /** Grows by whole chunks (never copies); thread-safe. */
    public final void ensureCapacity(int slots) {
        slab.ensureCapacity(slots);
    }

    /** The chunk segment holding the slot. */
    public final MemorySegment chunkFor(int slot) {
        return slab.chunkFor(slot);
    }

    /** Byte offset of the slot's record inside {@link #chunkFor(int)}. */
    public final long offsetInChunk(int slot) {
        return slab.offsetInChunk(slot);
    }

    @Override
    public final void close() {
        slab.close();
    }
}
