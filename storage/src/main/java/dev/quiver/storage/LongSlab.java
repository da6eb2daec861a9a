package dev.quiver.storage;

import java.lang.invoke.VarHandle;

/** One little-endian int64 per slot, growable like every slab; with volatile and CAS access for flags/versions. */
public final class LongSlab extends SlabView {
    private static final VarHandle LONG = LittleEndian.LONG.varHandle();

    /** Wraps {@code slab}, whose stride must be 8; closing the view closes the slab. */
    public LongSlab(Slab slab) {
        if (slab.strideBytes() != Long.BYTES) {
            throw new IllegalArgumentException("slab stride " + slab.strideBytes() + " is not " + Long.BYTES);
        }
        super(slab);
    }

    /** An empty off-heap slab with 512 Ki longs (4 MiB) per chunk. */
    public static LongSlab allocate() {
        return new LongSlab(Slab.allocate(Long.BYTES, Slab.defaultChunkShift(Long.BYTES)));
    }

    public long get(int slot) {
        return slab.chunkFor(slot).get(LittleEndian.LONG, slab.offsetInChunk(slot));
    }

    public void set(int slot, long value) {
        slab.chunkFor(slot).set(LittleEndian.LONG, slab.offsetInChunk(slot), value);
    }

    public long getVolatile(int slot) {
        return (long) LONG.getVolatile(slab.chunkFor(slot), slab.offsetInChunk(slot));
    }

    public void setVolatile(int slot, long value) {
        LONG.setVolatile(slab.chunkFor(slot), slab.offsetInChunk(slot), value);
    }

    public boolean compareAndSet(int slot, long expected, long value) {
        return LONG.compareAndSet(slab.chunkFor(slot), slab.offsetInChunk(slot), expected, value);
    }
}
