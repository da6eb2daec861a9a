package dev.quiver.storage;

import java.lang.foreign.MemorySegment;

/**
 * {@code dim} little-endian float32 values per slot, slot-major: the vector store's layout. A record may be longer than
 * {@code dim} floats ({@link #recordStrideBytes}): the floats after {@code dim} are zeros, so a kernel may run whole
 * 64-byte steps over them with a zero-padded query.
 */
public final class VectorSlab extends SlabView {
    /** Record alignment of {@link #recordStrideBytes}: one cache line. */
    public static final int LINE_BYTES = 64;

    private final int dim;
    private final int strideFloats;

    /**
     * Wraps {@code slab}, whose stride is exactly {@code dim * 4} bytes or {@link #wholeLines}{@code (dim)} (then the
     * floats after {@code dim} are zeros); closing the view closes the slab.
     */
    public VectorSlab(Slab slab, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be positive: " + dim);
        }
        long stride = slab.strideBytes();
        if (stride != (long) dim * Float.BYTES && stride != wholeLines(dim)) {
            throw new IllegalArgumentException("slab stride " + stride + " does not hold " + dim + " floats (expected "
                    + (long) dim * Float.BYTES + " or " + wholeLines(dim) + ")");
        }
        super(slab);
        this.dim = dim;
        this.strideFloats = (int) (stride / Float.BYTES);
    }

    /**
     * The stride of a vector store's new slabs: {@code dim} floats rounded up to whole 64-byte lines when that adds at
     * most a quarter (100-d: 112 floats), else exactly {@code dim} floats (a 2-d vector would take 8x its bytes).
     */
    public static long recordStrideBytes(int dim) {
        long bytes = (long) dim * Float.BYTES;
        long padded = wholeLines(dim);
        return (padded - bytes) * 4 <= bytes ? padded : bytes;
    }

    /** {@code dim} floats rounded up to whole 64-byte lines. */
    public static long wholeLines(int dim) {
        long bytes = (long) dim * Float.BYTES;
        return (bytes + LINE_BYTES - 1) / LINE_BYTES * LINE_BYTES;
    }

    /** Floats per record: {@code dim}, or more for a padded slab. */
    public int strideFloats() {
        return strideFloats;
    }

    /** An empty off-heap vector slab with chunks of about 4 MiB. */
    public static VectorSlab allocate(int dim) {
        long stride = (long) dim * Float.BYTES;
        return new VectorSlab(Slab.allocate(stride, Slab.defaultChunkShift(stride)), dim);
    }

    public int dim() {
        return dim;
    }

    public void set(int slot, float[] vector) {
        if (vector.length != dim) {
            throw new IllegalArgumentException("dimension mismatch: expected " + dim + ", got " + vector.length);
        }
        long token = slab.beginWrite();
        try {
            MemorySegment chunk = slab.chunkFor(slot);
            long offset = slab.offsetInChunk(slot);
            MemorySegment.copy(vector, 0, chunk, LittleEndian.FLOAT, offset, dim);
            if (strideFloats > dim) {
                // The padding is zero in fresh and saved records already; written anyway, so no record can hold
                // anything but zeros there whatever its memory held before.
                long padding = (long) (strideFloats - dim) * Float.BYTES;
                chunk.asSlice(offset + (long) dim * Float.BYTES, padding).fill((byte) 0);
            }
        } finally {
            slab.endWrite(token);
        }
    }

    public void get(int slot, float[] dst) {
        if (dst.length < dim) {
            throw new IllegalArgumentException("destination holds " + dst.length + " floats, need " + dim);
        }
        MemorySegment.copy(slab.chunkFor(slot), LittleEndian.FLOAT, slab.offsetInChunk(slot), dst, 0, dim);
    }

    public float[] get(int slot) {
        float[] v = new float[dim];
        get(slot, v);
        return v;
    }

    /** One component: {@code vector[slot][i]}. */
    public float get(int slot, int i) {
        return slab.chunkFor(slot).get(LittleEndian.FLOAT, slab.offsetInChunk(slot) + (long) i * Float.BYTES);
    }
}
