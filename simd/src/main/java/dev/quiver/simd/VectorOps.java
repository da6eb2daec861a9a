package dev.quiver.simd;

import java.lang.foreign.MemorySegment;

/**
 * Distance kernels over float32 vectors and SQ8 (unsigned byte) codes, on heap arrays or straight from
 * {@link MemorySegment}s.
 *
 * <p>One implementation is chosen when this class initialises (see {@link KernelSelector}): SIMD kernels on the
 * incubating Vector API when {@code jdk.incubator.vector} is in the boot layer, otherwise plain scalar loops with the
 * same results up to float rounding (integer kernels: identical results). One INFO log line says which is active.
 *
 * <p>Contracts shared by all methods:
 * <ul>
 *   <li>Lengths are the caller's job: {@code a.length == b.length}; a segment holds {@code q.length} float32
 *       little-endian values (or {@code q.length} code bytes) from {@code byteOffset}, which need not be aligned.
 *       These are checked only by {@code assert}, so the hot path pays nothing; out-of-bounds segment reads still
 *       throw {@link IndexOutOfBoundsException} from the segment's own bounds check.</li>
 *   <li>Float results are sums in an implementation-defined order (several accumulators, FMA), so the last bits may
 *       differ between implementations and from a naive loop.</li>
 *   <li>SQ8 codes are unsigned bytes 0..255. Integer results are exact for dimensions up to
 *       {@link #MAX_U8_DIMENSION}: each term is at most 255² = 65025, and 33025 × 65025 &lt; 2³¹.</li>
 * </ul>
 */
public final class VectorOps {

    /**
     * The largest dimension for which the u8 kernels' {@code int} results cannot overflow:
     * {@code floor((2^31 - 1) / 255^2)} = 33025.
     */
    public static final int MAX_U8_DIMENSION = Integer.MAX_VALUE / (255 * 255);

    // static final: the JIT treats the receiver as a constant, so every call below inlines the chosen kernel.
    private static final DistanceKernels IMPL = KernelSelector.select();

    private VectorOps() {
    }

    /** True when the Panama (Vector API) kernels are active. */
    public static boolean isVectorized() {
        return IMPL != ScalarKernels.INSTANCE;
    }

    /** The active implementation, e.g. {@code "panama-512"} (vector width in bits) or {@code "scalar"}. */
    public static String implementationName() {
        return IMPL.name();
    }

    /** Sum of {@code a[i] * b[i]}. */
    public static float dot(float[] a, float[] b) {
        assert a.length == b.length : lengthMismatch(a.length, b.length);
        return IMPL.dot(a, b);
    }

    /** Squared Euclidean distance, sum of {@code (a[i] - b[i])²}. */
    public static float squareDistance(float[] a, float[] b) {
        assert a.length == b.length : lengthMismatch(a.length, b.length);
        return IMPL.squareDistance(a, b);
    }

    /**
     * Cosine distance {@code 1 - a·b / (|a| |b|)}, clamped to [0, 2]. Both vectors zero: 0; exactly one zero: 1.
     */
    public static float cosineDistance(float[] a, float[] b) {
        assert a.length == b.length : lengthMismatch(a.length, b.length);
        return IMPL.cosineDistance(a, b);
    }

    /** Sum of {@code a[i]²}. */
    public static float normSquared(float[] a) {
        return IMPL.normSquared(a);
    }

    /**
     * Turns {@code count} dot products with one query (norm {@code qNorm}) into cosine distances, in place:
     * {@code dots[i] = cosineDistance(dots[i], qNorm, norms[i])}, the same values as that method, several per SIMD step
     * (32 values in about 23 ns against 45-54 ns one at a time, CosineFromDotsBench).
     */
    public static void cosineDistances(float[] dots, float qNorm, float[] norms, int count) {
        assert count >= 0 && count <= dots.length && count <= norms.length
                : "count " + count + ", dots " + dots.length + ", norms " + norms.length;
        IMPL.cosineDistances(dots, qNorm, norms, count);
    }

    /**
     * How many of the first {@code n} values of {@code sorted} (ascending) are {@code <= x}: the index at which
     * {@code x} would be inserted after its equals. A search pool's insert point.
     */
    public static int countAtMost(float[] sorted, int n, float x) {
        assert n >= 0 && n <= sorted.length : "n " + n + " outside [0, " + sorted.length + "]";
        return IMPL.countAtMost(sorted, n, x);
    }

    /**
     * SQ8 encoding of {@code v}: {@code out[d] = clamp(Math.round((v[d] - offsets[d]) * invScale), 0, 255)} as an
     * unsigned byte, for {@code d < v.length}; returns how many components were clamped (Math.round below 0 or above
     * 255). NaN encodes to 0 and is not counted. Same bytes on every implementation.
     */
    public static int quantizeU8(float[] v, float[] offsets, float invScale, byte[] out) {
        assert offsets.length >= v.length && out.length >= v.length
                : "dim " + v.length + ", offsets " + offsets.length + ", out " + out.length;
        return IMPL.quantizeU8(v, offsets, invScale, out);
    }

    /**
     * How far SQ8 encoding moved {@code v}: {@code |v - decode(code)|^2} with {@code decode(c)[d] = c[d] * scale +
     * offsets[d]} (codes unsigned), in float. Implementations sum in different orders, so they agree up to rounding.
     */
    public static float residualSquaredU8(float[] v, float[] offsets, float scale, byte[] code) {
        assert offsets.length >= v.length && code.length >= v.length
                : "dim " + v.length + ", offsets " + offsets.length + ", code " + code.length;
        return IMPL.residualSquaredU8(v, offsets, scale, code);
    }

    /** Dot product of {@code q} with the {@code q.length} float32 LE values at {@code s[byteOffset..]}. No copy. */
    public static float dot(float[] q, MemorySegment s, long byteOffset) {
        return IMPL.dot(q, s, byteOffset);
    }

    /** Squared Euclidean distance of {@code q} to the {@code q.length} float32 LE values at {@code s[byteOffset..]}. */
    public static float squareDistance(float[] q, MemorySegment s, long byteOffset) {
        return IMPL.squareDistance(q, s, byteOffset);
    }

    /** Sum of squares of the {@code dim} float32 LE values at {@code s[byteOffset..]}. */
    public static float normSquared(MemorySegment s, long byteOffset, int dim) {
        assert dim >= 0 : "negative dim " + dim;
        return IMPL.normSquared(s, byteOffset, dim);
    }

    /**
     * Cosine distance from a dot product and the two norms (not squared): {@code 1 - dot / (normA * normB)} clamped to
     * [0, 2]; both norms zero: 0; exactly one zero: 1. Lets callers cache norms per stored vector.
     */
    public static float cosineDistance(float dot, float normA, float normB) {
        return Cosine.fromNorms(dot, normA, normB);
    }

    /**
     * {@code out[i] = dot(q, segs[i], byteOffsets[i])} for {@code i < count}. The SIMD implementation scores eight
     * candidates per pass, then four, so their memory loads overlap.
     */
    public static void dotBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out) {
        assert bulkArgsOk(segs.length, byteOffsets.length, out.length, count);
        IMPL.dotBulk(q, segs, byteOffsets, count, out);
    }

    /** {@code out[i] = squareDistance(q, segs[i], byteOffsets[i])} for {@code i < count}; as {@link #dotBulk}. */
    public static void squareDistanceBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count,
                                          float[] out) {
        assert bulkArgsOk(segs.length, byteOffsets.length, out.length, count);
        IMPL.squareDistanceBulk(q, segs, byteOffsets, count, out);
    }

    /** Sum of {@code (q[i] - c[i])²} over unsigned codes; {@code c} is {@code q.length} bytes at the offset. */
    public static int squareDistanceU8(byte[] q, MemorySegment codes, long byteOffset) {
        assert q.length <= MAX_U8_DIMENSION : u8TooLong(q.length);
        return IMPL.squareDistanceU8(q, codes, byteOffset);
    }

    /** Sum of {@code q[i] * c[i]} over unsigned codes; {@code c} is {@code q.length} bytes at the offset. */
    public static int dotU8(byte[] q, MemorySegment codes, long byteOffset) {
        assert q.length <= MAX_U8_DIMENSION : u8TooLong(q.length);
        return IMPL.dotU8(q, codes, byteOffset);
    }

    /**
     * {@code out[i] = squareDistanceU8(q, segs[i], byteOffsets[i])} for {@code i < count}; several candidates per pass,
     * as {@link #dotBulk} (eight with 512-bit vectors when the length is whole 64-byte steps, as SQ8 codes are;
     * else four).
     */
    public static void squareDistanceU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count,
                                            int[] out) {
        assert q.length <= MAX_U8_DIMENSION : u8TooLong(q.length);
        assert bulkArgsOk(segs.length, byteOffsets.length, out.length, count);
        IMPL.squareDistanceU8Bulk(q, segs, byteOffsets, count, out);
    }

    /** {@code out[i] = dotU8(q, segs[i], byteOffsets[i])} for {@code i < count}; as {@link #squareDistanceU8Bulk}. */
    public static void dotU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out) {
        assert q.length <= MAX_U8_DIMENSION : u8TooLong(q.length);
        assert bulkArgsOk(segs.length, byteOffsets.length, out.length, count);
        IMPL.dotU8Bulk(q, segs, byteOffsets, count, out);
    }

    /** Sum of {@code (a[i] - b[i])²} over unsigned codes. */
    public static int squareDistanceU8(byte[] a, byte[] b) {
        assert a.length == b.length : lengthMismatch(a.length, b.length);
        assert a.length <= MAX_U8_DIMENSION : u8TooLong(a.length);
        return IMPL.squareDistanceU8(a, b);
    }

    /** Sum of {@code a[i] * b[i]} over unsigned codes. */
    public static int dotU8(byte[] a, byte[] b) {
        assert a.length == b.length : lengthMismatch(a.length, b.length);
        assert a.length <= MAX_U8_DIMENSION : u8TooLong(a.length);
        return IMPL.dotU8(a, b);
    }

    /** Dot product of two stored vectors: {@code dim} float32 LE values at each offset. */
    public static float dot(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        assert dim >= 0 : "negative dim " + dim;
        return IMPL.dot(a, aByteOffset, b, bByteOffset, dim);
    }

    /** Squared Euclidean distance between two stored vectors: {@code dim} float32 LE values at each offset. */
    public static float squareDistance(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset,
                                       int dim) {
        assert dim >= 0 : "negative dim " + dim;
        return IMPL.squareDistance(a, aByteOffset, b, bByteOffset, dim);
    }

    /** Sum of {@code (a[i] - b[i])²} over two stored code vectors of {@code dim} unsigned bytes. */
    public static int squareDistanceU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset,
                                       int dim) {
        assert dim >= 0 && dim <= MAX_U8_DIMENSION : u8TooLong(dim);
        return IMPL.squareDistanceU8(a, aByteOffset, b, bByteOffset, dim);
    }

    /** Sum of {@code a[i] * b[i]} over two stored code vectors of {@code dim} unsigned bytes. */
    public static int dotU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        assert dim >= 0 && dim <= MAX_U8_DIMENSION : u8TooLong(dim);
        return IMPL.dotU8(a, aByteOffset, b, bByteOffset, dim);
    }

    private static String lengthMismatch(int a, int b) {
        return "vector length mismatch: " + a + " vs " + b;
    }

    private static String u8TooLong(int dim) {
        return "u8 kernel dimension " + dim + " exceeds " + MAX_U8_DIMENSION + " (int sum could overflow)";
    }

    private static boolean bulkArgsOk(int segs, int offsets, int out, int count) {
        if (count < 0 || count > segs || count > offsets || count > out) {
            throw new AssertionError("bulk count " + count + " exceeds arrays: segs " + segs + ", offsets " + offsets
                    + ", out " + out);
        }
        return true;
    }
}
