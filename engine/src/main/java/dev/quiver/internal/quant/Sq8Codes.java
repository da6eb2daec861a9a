package dev.quiver.internal.quant;

import dev.quiver.Metric;
import dev.quiver.simd.VectorOps;
import dev.quiver.storage.ByteRecordSlab;
import dev.quiver.storage.LittleEndian;
import dev.quiver.storage.Slab;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SQ8 codes of an index, one record per slot in a {@link ByteRecordSlab}, and the counters that say when the data has
 * drifted away from the trained range.
 *
 * <h2>Record layout</h2>
 * A record is a whole number of 64-byte cache lines (slab chunks are line-aligned, so records never straddle one more
 * line than they fill):
 * <pre>
 * [0, dim)                 the code, one unsigned byte per dimension
 * [dim, codeBytes)         zeros: codeBytes = dim rounded up to 64, so the u8 kernels run whole vectors, no tail
 * [recordBytes - 8, +4)    inner-product metrics only: the code's correction ({@link Sq8Quantizer#correction}), float32
 * [recordBytes - 4, +4)    inner-product metrics only: the float32 vector's L2 norm (cosine), float32
 * </pre>
 * Why the two floats live inside the record: a candidate scored on its code then costs one run of adjacent cache lines
 * instead of three scattered reads (code, correction slab, norm slab), which made SQ8 walks slower than float32 at
 * 100-d. When the padding has room they sit inside {@code [dim, codeBytes)}, where the kernel multiplies them by the
 * query's zero padding: the dot product is unchanged. Euclidean codes need neither float (squared L2 on codes needs no
 * correction), and their padding stays zero because the L2 kernel would count it.
 */
public final class Sq8Codes implements AutoCloseable {

    /** Retrain when more than this fraction of the dimensions encoded since training were clamped. */
    public static final double RETRAIN_CLAMP_RATE = 0.01;
    /** ... once at least this many dimensions have been encoded since training. */
    static final long MIN_DIMS_FOR_DRIFT = 100_000;

    /** Codes are padded to this: the widest u8 kernel step (512 bits) and the cache line. */
    static final int LINE = 64;
    /** The correction and the norm, two float32 at the end of an inner-product record. */
    static final int TERM_BYTES = 2 * Float.BYTES;
    /**
     * The largest dimension SQ8 serves: the u8 kernels sum {@code codeBytes} terms of at most 255^2 in an int, exact
     * only up to {@link VectorOps#MAX_U8_DIMENSION} terms (32,960 after padding to whole lines).
     */
    public static final int MAX_DIM = VectorOps.MAX_U8_DIMENSION / LINE * LINE;

    /** Unaligned: {@link #encode} writes the floats into a heap byte array, which promises no alignment. */
    private static final ValueLayout.OfFloat FLOAT = LittleEndian.FLOAT_UNALIGNED;

    private final Sq8Quantizer quantizer;
    private final boolean innerProductTerms;
    private final int codeBytes;
    private final int recordBytes;
    private final ByteRecordSlab records;
    private final AtomicLong encodedDims = new AtomicLong();
    private final AtomicLong clampedDims = new AtomicLong();

    /** Whether SQ8 can serve vectors of {@code dim} dimensions ({@link #MAX_DIM}). */
    public static boolean supports(int dim) {
        return dim >= 1 && dim <= MAX_DIM;
    }

    /**
     * Refuses {@code what} (e.g. "quantize") for {@code dim} dimensions SQ8 cannot serve, with the caller's typed
     * exception: the one check behind {@code Config.quantize}, {@code enableQuantization} and quantized search.
     */
    public static void requireSupported(int dim, String what) {
        if (!supports(dim)) {
            throw new dev.quiver.InvalidArgumentException(what + " needs dim <= " + MAX_DIM
                    + " (SQ8 distances are exact integer sums only up to there), got dim " + dim);
        }
    }

    /** Empty codes for vectors compared by {@code metric}. */
    public Sq8Codes(Sq8Quantizer quantizer, Metric metric) {
        if (!supports(quantizer.dim())) {
            throw new IllegalArgumentException("SQ8 serves at most " + MAX_DIM + " dimensions, got "
                    + quantizer.dim());
        }
        this.quantizer = quantizer;
        this.innerProductTerms = metric != Metric.EUCLIDEAN;
        int dim = quantizer.dim();
        this.codeBytes = codeBytes(dim);
        this.recordBytes = recordBytes(dim, metric);
        this.records = new ByteRecordSlab(Slab.allocate(recordBytes, Slab.chunkShiftFor(recordBytes, 1 << 20)),
                recordBytes);
    }

    /**
     * Codes opened from a saved slab of {@link #recordBytes} records (see the HNSW index files). Codes mapped from a
     * file move in the background to huge-page memory, as the float32 vectors do (docs/DEPARTURES.md E11): a walk on
     * codes reads them at random.
     */
    public Sq8Codes(Sq8Quantizer quantizer, Metric metric, ByteRecordSlab records) {
        int dim = quantizer.dim();
        if (records.bytesPerRecord() != recordBytes(dim, metric)) {
            throw new IllegalArgumentException("code records of " + records.bytesPerRecord() + " bytes, expected "
                    + recordBytes(dim, metric) + " for dim " + dim + " and " + metric);
        }
        this.quantizer = quantizer;
        this.innerProductTerms = metric != Metric.EUCLIDEAN;
        this.codeBytes = codeBytes(dim);
        this.recordBytes = records.bytesPerRecord();
        this.records = records;
        records.slab().moveMappedToAnonymousInBackground();
    }

    /** Bytes the u8 kernels read per code: {@code dim} rounded up to a whole number of cache lines. */
    public static int codeBytes(int dim) {
        return Math.ceilDiv(dim, LINE) * LINE;
    }

    /** Bytes per record for {@code dim} and {@code metric} (see the class comment). */
    public static int recordBytes(int dim, Metric metric) {
        return metric == Metric.EUCLIDEAN ? codeBytes(dim) : Math.ceilDiv(dim + TERM_BYTES, LINE) * LINE;
    }

    public ByteRecordSlab records() {
        return records;
    }

    public Sq8Quantizer quantizer() {
        return quantizer;
    }

    /** Length of a query code for the kernels ({@link #codeBytes(int)}). */
    public int codeBytes() {
        return codeBytes;
    }

    public int recordBytes() {
        return recordBytes;
    }

    /** A scratch record for {@link #encode}. */
    public byte[] newScratch() {
        return new byte[recordBytes];
    }

    public void ensureCapacity(int slots) {
        records.ensureCapacity(slots);
    }

    /** Encodes {@code v} into {@code slot}; {@code scratch} comes from {@link #newScratch}. */
    public void encode(int slot, float[] v, byte[] scratch, boolean countDrift) {
        int clamped = quantizer.encode(v, scratch);
        Arrays.fill(scratch, v.length, recordBytes, (byte) 0);
        if (innerProductTerms) {
            MemorySegment record = MemorySegment.ofArray(scratch);
            record.set(FLOAT, recordBytes - TERM_BYTES, quantizer.correction(scratch));
            // The same expression as the float32 store's norms, so cosine on codes divides by the identical value.
            record.set(FLOAT, recordBytes - Float.BYTES, (float) Math.sqrt(VectorOps.normSquared(v)));
        }
        records.set(slot, scratch);
        if (countDrift) {
            encodedDims.addAndGet(v.length);
            clampedDims.addAndGet(clamped);
        }
    }

    /**
     * Encodes a query into {@code out} ({@link #codeBytes()} long): its code, then zeros (the padding the kernels
     * read, and where inner-product records keep their floats, must meet zeros).
     */
    public void encodeQuery(float[] q, byte[] out) {
        quantizer.encode(q, out);
        Arrays.fill(out, q.length, out.length, (byte) 0);
    }

    public MemorySegment chunk(int slot) {
        return records.chunkFor(slot);
    }

    public long offset(int slot) {
        return records.offsetInChunk(slot);
    }

    /** The correction of {@code slot}'s code (inner-product metrics only: Euclidean records hold none). */
    public float correction(int slot) {
        if (!innerProductTerms) {
            throw new IllegalStateException("Euclidean SQ8 records hold no correction");
        }
        return records.chunkFor(slot).get(FLOAT, records.offsetInChunk(slot) + recordBytes - TERM_BYTES);
    }

    /** The correction at a record already located by {@link #chunk} and {@link #offset}. */
    public float correction(MemorySegment chunk, long offset) {
        return chunk.get(FLOAT, offset + recordBytes - TERM_BYTES);
    }

    /** The float32 vector's norm at a record already located (inner-product metrics only). */
    public float norm(MemorySegment chunk, long offset) {
        return chunk.get(FLOAT, offset + recordBytes - Float.BYTES);
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
        return records.slab().chunkBytes() * records.slab().chunkCount();
    }

    @Override
    public void close() {
        records.close();
    }
}
