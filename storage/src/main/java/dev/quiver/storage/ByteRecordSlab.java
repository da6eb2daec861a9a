package dev.quiver.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code bytesPerRecord} bytes per slot, e.g. SQ8 codes (one unsigned byte per dimension). */
public final class ByteRecordSlab extends SlabView {
    private final int bytesPerRecord;

    /** Wraps {@code slab}, whose stride must be {@code bytesPerRecord}; closing the view closes the slab. */
    public ByteRecordSlab(Slab slab, int bytesPerRecord) {
        if (bytesPerRecord <= 0) {
            throw new IllegalArgumentException("bytesPerRecord must be positive: " + bytesPerRecord);
        }
        if (slab.strideBytes() != bytesPerRecord) {
            throw new IllegalArgumentException("slab stride " + slab.strideBytes() + " is not " + bytesPerRecord);
        }
        super(slab);
        this.bytesPerRecord = bytesPerRecord;
    }

    /** An empty off-heap slab with chunks of about 4 MiB. */
    public static ByteRecordSlab allocate(int bytesPerRecord) {
        return new ByteRecordSlab(Slab.allocate(bytesPerRecord, Slab.defaultChunkShift(bytesPerRecord)), bytesPerRecord);
    }

    public int bytesPerRecord() {
        return bytesPerRecord;
    }

    public byte getByte(int slot, int i) {
        return slab.chunkFor(slot).get(ValueLayout.JAVA_BYTE, slab.offsetInChunk(slot) + i);
    }

    public void setByte(int slot, int i, byte value) {
        long token = slab.beginWrite(); // a background move to huge pages may be copying this chunk
        try {
            slab.chunkFor(slot).set(ValueLayout.JAVA_BYTE, slab.offsetInChunk(slot) + i, value);
        } finally {
            slab.endWrite(token);
        }
    }

    public void set(int slot, byte[] record) {
        if (record.length != bytesPerRecord) {
            throw new IllegalArgumentException("record length mismatch: expected " + bytesPerRecord + ", got "
                    + record.length);
        }
        long token = slab.beginWrite(); // a background move to huge pages may be copying this chunk
        try {
            MemorySegment.copy(record, 0, slab.chunkFor(slot), ValueLayout.JAVA_BYTE, slab.offsetInChunk(slot),
                    bytesPerRecord);
        } finally {
            slab.endWrite(token);
        }
    }

    public void get(int slot, byte[] dst) {
        if (dst.length < bytesPerRecord) {
            throw new IllegalArgumentException("destination holds " + dst.length + " bytes, need " + bytesPerRecord);
        }
        MemorySegment.copy(slab.chunkFor(slot), ValueLayout.JAVA_BYTE, slab.offsetInChunk(slot), dst, 0, bytesPerRecord);
    }

    public byte[] get(int slot) {
        byte[] b = new byte[bytesPerRecord];
        get(slot, b);
        return b;
    }
}
