package dev.quiver.storage;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * {@code intsPerRecord} little-endian int32 values per slot, e.g. adjacency lists {@code [count][neighbours...]}.
 * Besides plain accessors it offers acquire/release and CAS so lock-free readers can follow a writer that fills
 * the neighbours first and publishes the count last.
 *
 * <p>Every write is bracketed by {@link Slab#beginWrite}/{@link Slab#endWrite}, so the slab may move to huge pages
 * while it is written ({@link Slab#moveMappedToAnonymousInBackground}). A multi-write protocol such as a seqlock
 * stays sound across the switch: the chunk is copied between two writes, never during one, the old and new chunk hold
 * the same bytes when the switch is published, later writes all land in the new chunk, and a reader that began on the
 * old chunk re-reads through the chunk table, so its final version check sees any write made after the switch.
 */
public final class IntRecordSlab extends SlabView {
    private static final VarHandle INT = LittleEndian.INT.varHandle();

    private final int intsPerRecord;

    /** Wraps {@code slab}, whose stride must be {@code intsPerRecord * 4}; closing the view closes the slab. */
    public IntRecordSlab(Slab slab, int intsPerRecord) {
        if (intsPerRecord <= 0) {
            throw new IllegalArgumentException("intsPerRecord must be positive: " + intsPerRecord);
        }
        if (slab.strideBytes() != (long) intsPerRecord * Integer.BYTES) {
            throw new IllegalArgumentException("slab stride " + slab.strideBytes() + " does not hold "
                    + intsPerRecord + " ints");
        }
        super(slab);
        this.intsPerRecord = intsPerRecord;
    }

    /** An empty off-heap slab with chunks of about 4 MiB. */
    public static IntRecordSlab allocate(int intsPerRecord) {
        long stride = (long) intsPerRecord * Integer.BYTES;
        return new IntRecordSlab(Slab.allocate(stride, Slab.defaultChunkShift(stride)), intsPerRecord);
    }

    public int intsPerRecord() {
        return intsPerRecord;
    }

    private long offset(int slot, int i) {
        assert i >= 0 && i < intsPerRecord : "int " + i + " of " + intsPerRecord;
        return slab.offsetInChunk(slot) + (long) i * Integer.BYTES;
    }

    public int getInt(int slot, int i) {
        return slab.chunkFor(slot).get(LittleEndian.INT, offset(slot, i));
    }

    public void setInt(int slot, int i, int value) {
        long token = slab.beginWrite(); // a background move to huge pages may be copying this chunk
        try {
            slab.chunkFor(slot).set(LittleEndian.INT, offset(slot, i), value);
        } finally {
            slab.endWrite(token);
        }
    }

    /** Reads with acquire semantics: later reads see everything written before the matching release. */
    public int getIntAcquire(int slot, int i) {
        return (int) INT.getAcquire(slab.chunkFor(slot), offset(slot, i));
    }

    /** Writes with release semantics: everything written before is visible to an acquiring reader of this value. */
    public void setIntRelease(int slot, int i, int value) {
        long token = slab.beginWrite();
        try {
            INT.setRelease(slab.chunkFor(slot), offset(slot, i), value);
        } finally {
            slab.endWrite(token);
        }
    }

    public int getIntVolatile(int slot, int i) {
        return (int) INT.getVolatile(slab.chunkFor(slot), offset(slot, i));
    }

    public void setIntVolatile(int slot, int i, int value) {
        long token = slab.beginWrite();
        try {
            INT.setVolatile(slab.chunkFor(slot), offset(slot, i), value);
        } finally {
            slab.endWrite(token);
        }
    }

    public boolean compareAndSetInt(int slot, int i, int expected, int value) {
        long token = slab.beginWrite();
        try {
            return INT.compareAndSet(slab.chunkFor(slot), offset(slot, i), expected, value);
        } finally {
            slab.endWrite(token);
        }
    }

    /** Copies ints {@code [from, from + count)} of a record into {@code dst[0..count)} (plain reads). */
    public void getInts(int slot, int from, int[] dst, int count) {
        MemorySegment.copy(slab.chunkFor(slot), LittleEndian.INT, offset(slot, from), dst, 0, count);
    }

    /** Copies {@code src[0..count)} into ints {@code [from, from + count)} of a record (plain writes). */
    public void setInts(int slot, int from, int[] src, int count) {
        long token = slab.beginWrite();
        try {
            MemorySegment.copy(src, 0, slab.chunkFor(slot), LittleEndian.INT, offset(slot, from), count);
        } finally {
            slab.endWrite(token);
        }
    }
}
