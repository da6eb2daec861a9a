package dev.quiver.internal.quant;

import dev.quiver.storage.ByteRecordSlab;
import dev.quiver.storage.FloatSlab;
import dev.quiver.storage.Slab;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SQ8 codes of an index: {@code dim} unsigned bytes per slot in a {@link ByteRecordSlab}, the inner-product
 * correction of each code in a parallel {@link FloatSlab}, and the counters that say when the data has drifted
 * away from the trained range.
 */
public final class Sq8Codes implements AutoCloseable {

    /** Retrain when more than this fraction of the dimensions encoded since training were clamped. */
    public static final double RETRAIN_CLAMP_RATE = 0.01;
    /** ... once at least this many dimensions have been encoded since training. */
    static final long MIN_DIMS_FOR_DRIFT = 100_000;

    private final Sq8Quantizer quantizer;
    private final ByteRecordSlab codes;
    private final FloatSlab corrections;
    private final AtomicLong encodedDims = new AtomicLong();
    private final AtomicLong clampedDims = new AtomicLong();

    public Sq8Codes(Sq8Quantizer quantizer) {
        this.quantizer = quantizer;
        int dim = quantizer.dim();
        this.codes = new ByteRecordSlab(Slab.allocate(dim, Slab.chunkShiftFor(dim, 1 << 20)), dim);
        this.corrections = new FloatSlab(Slab.allocate(Float.BYTES, Slab.chunkShiftFor(Float.BYTES, 1 << 18)));
    }

    /**
     * Codes opened from saved slabs (see the HNSW index files). Codes mapped from a file move in the background to
     * huge-page memory, as the float32 vectors do (docs/DEPARTURES.md E11): a walk on codes reads them at random.
     */
    public Sq8Codes(Sq8Quantizer quantizer, ByteRecordSlab codes, FloatSlab corrections) {
        this.quantizer = quantizer;
        this.codes = codes;
        this.corrections = corrections;
        codes.slab().moveMappedToAnonymousInBackground();
    }

    public ByteRecordSlab codes() {
        return codes;
    }

    public FloatSlab corrections() {
        return corrections;
    }

    public Sq8Quantizer quantizer() {
        return quantizer;
    }

    public void ensureCapacity(int slots) {
        codes.ensureCapacity(slots);
        corrections.ensureCapacity(slots);
    }

    /** Encodes {@code v} into {@code slot}; {@code scratch} holds {@code dim} bytes. */
    public void encode(int slot, float[] v, byte[] scratch, boolean countDrift) {
        int clamped = quantizer.encode(v, scratch);
        codes.set(slot, scratch);
        corrections.set(slot, quantizer.correction(scratch));
        if (countDrift) {
            encodedDims.addAndGet(v.length);
            clampedDims.addAndGet(clamped);
        }
    }

    public MemorySegment chunk(int slot) {
        return codes.chunkFor(slot);
    }

    public long offset(int slot) {
        return codes.offsetInChunk(slot);
    }

    public float correction(int slot) {
        return corrections.get(slot);
    }

    /** Fraction of dimensions clamped among those encoded since training (0 before any). */
    public double clampRate() {
        long n = encodedDims.get();
        return n == 0 ? 0 : (double) clampedDims.get() / n;
    }

    /** Whether enough new data fell outside the trained range that a retrain would pay off. */
    public boolean drifted() {
        return encodedDims.get() >= MIN_DIMS_FOR_DRIFT && clampRate() > RETRAIN_CLAMP_RATE;
    }

    public long reservedBytes() {
        return codes.slab().chunkBytes() * codes.slab().chunkCount()
                + corrections.slab().chunkBytes() * corrections.slab().chunkCount();
    }

    @Override
    public void close() {
        codes.close();
        corrections.close();
    }
}
