package dev.quiver.storage;

/** One little-endian float32 per slot (e.g. vector norms), growable like every slab. */
public final class FloatSlab extends SlabView {

    /** Wraps {@code slab}, whose stride must be 4; closing the view closes the slab. */
    public FloatSlab(Slab slab) {
        if (slab.strideBytes() != Float.BYTES) {
            throw new IllegalArgumentException("slab stride " + slab.strideBytes() + " is not " + Float.BYTES);
        }
        super(slab);
    }

    /** An empty off-heap slab with 1 Mi floats (4 MiB) per chunk. */
    public static FloatSlab allocate() {
        return new FloatSlab(Slab.allocate(Float.BYTES, Slab.defaultChunkShift(Float.BYTES)));
    }

    public float get(int slot) {
        return slab.chunkFor(slot).get(LittleEndian.FLOAT, slab.offsetInChunk(slot));
    }

    public void set(int slot, float value) {
        slab.chunkFor(slot).set(LittleEndian.FLOAT, slab.offsetInChunk(slot), value);
    }
}
