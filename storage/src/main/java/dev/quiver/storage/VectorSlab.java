package dev.quiver.storage;

import java.lang.foreign.MemorySegment;

/** {@code dim} little-endian float32 values per slot, slot-major: the vector store's layout. */
public final class VectorSlab extends SlabView {
    private final int dim;

    /** Wraps {@code slab}, whose stride must be {@code dim * 4}; closing the view closes the slab. */
    public VectorSlab(Slab slab, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be positive: " + dim);
        }
        if (slab.strideBytes() != (long) dim * Float.BYTES) {
            throw new IllegalArgumentException("slab stride " + slab.strideBytes() + " does not hold " + dim + " floats");
        }
        super(slab);
        this.dim = dim;
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
            MemorySegment.copy(vector, 0, slab.chunkFor(slot), LittleEndian.FLOAT, slab.offsetInChunk(slot), dim);
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
