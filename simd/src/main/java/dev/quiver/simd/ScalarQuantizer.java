package dev.quiver.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * SQ8 codec: each dimension {@code i} maps floats to one unsigned byte through its own {@code min[i]} and
 * {@code scale[i]}.
 *
 * <pre>
 *   encode:  c_i = round(clamp((x_i - min_i) / scale_i, 0, 255))      (an unsigned byte, 0..255)
 *   decode:  x̂_i = min_i + scale_i * c_i
 *   error:   |x_i - x̂_i| &lt;= scale_i / 2 for x_i inside [min_i, min_i + 255 scale_i]; values outside are clamped.
 * </pre>
 *
 * <p>Training takes {@code min_i}, {@code max_i} per dimension (exactly, or as the {@code q} and {@code 1 - q}
 * quantiles of a sample, so a few outliers do not waste the 256 levels) and sets {@code scale_i = (max_i - min_i) /
 * 255}; a constant dimension ({@code max_i == min_i}) gets {@code scale_i = 1}, so it encodes to 0 and decodes to
 * {@code min_i} exactly.
 *
 * <p>With {@link ScaleMode#SHARED} every dimension gets the largest of those per-dimension scales, so
 * {@code scale_i = s} for all {@code i}. Then distances between codes are the float distances up to a constant,
 * which is what lets a traversal run on the integer kernels (see {@link QuantizedQuery}):
 * {@code |x̂ - ŷ|² = s² Σ (c_i - d_i)²}. With per-dimension scales the integer distance is the distance in a space
 * where each dimension is stretched by {@code 1 / scale_i}.
 *
 * <p>Instances are immutable; {@link #mins()} and {@link #scales()} return copies for persistence, and
 * {@link #ScalarQuantizer(float[], float[])} restores them bit-exactly.
 */
public final class ScalarQuantizer {

    /** How scales are chosen in training. */
    public enum ScaleMode {
        /** {@code scale_i = (max_i - min_i) / 255}: the finest grid per dimension (vctrs' SQ8). */
        PER_DIMENSION,
        /** One scale for all dimensions (the largest per-dimension one): integer code distances are proportional to
         *  float distances between decoded vectors. */
        SHARED
    }

    /** Number of code levels minus one: codes are 0..255. */
    public static final int MAX_CODE = 255;

    private final float[] mins;
    private final float[] scales;
    private final boolean sharedScale;

    /**
     * Restores a quantizer from persisted parameters (copied).
     *
     * @throws IllegalArgumentException if lengths differ, dim is 0, a min is not finite, or a scale is not finite and
     *                                  positive
     */
    public ScalarQuantizer(float[] mins, float[] scales) {
        Objects.requireNonNull(mins, "mins");
        Objects.requireNonNull(scales, "scales");
        if (mins.length != scales.length) {
            throw new IllegalArgumentException("mins length " + mins.length + " != scales length " + scales.length);
        }
        if (mins.length == 0) {
            throw new IllegalArgumentException("dimension must be >= 1, got 0");
        }
        for (int i = 0; i < mins.length; i++) {
            if (!Float.isFinite(mins[i])) {
                throw new IllegalArgumentException("min[" + i + "] is not finite: " + mins[i]);
            }
            if (!(scales[i] > 0f) || !Float.isFinite(scales[i])) {
                throw new IllegalArgumentException("scale[" + i + "] must be finite and > 0, got " + scales[i]);
            }
        }
        this.mins = mins.clone();
        this.scales = scales.clone();
        boolean shared = true;
        for (float s : scales) {
            shared &= Float.floatToRawIntBits(s) == Float.floatToRawIntBits(scales[0]);
        }
        this.sharedScale = shared;
    }

    /** Trains on all vectors, exact per-dimension min and max, per-dimension scales. */
    public static ScalarQuantizer train(float[][] vectors) {
        Objects.requireNonNull(vectors, "vectors");
        if (vectors.length == 0) {
            throw new IllegalArgumentException("cannot train a quantizer on zero vectors");
        }
        return train(Arrays.asList(vectors).iterator(), vectors[0].length, ScaleMode.PER_DIMENSION);
    }

    /**
     * Trains on every vector of {@code vectors} (one pass, O(dim) memory) with exact per-dimension min and max.
     *
     * @throws IllegalArgumentException on no vectors, a vector of another length, or a non-finite component
     */
    public static ScalarQuantizer train(Iterator<float[]> vectors, int dim, ScaleMode mode) {
        checkDim(dim);
        float[] min = new float[dim];
        float[] max = new float[dim];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        long n = 0;
        while (vectors.hasNext()) {
            float[] v = checkVector(vectors.next(), dim, n);
            for (int i = 0; i < dim; i++) {
                min[i] = Math.min(min[i], v[i]);
                max[i] = Math.max(max[i], v[i]);
            }
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot train a quantizer on zero vectors");
        }
        return fromRanges(min, max, mode);
    }

    /**
     * Trains on a uniform random sample of at most {@code maxSample} vectors (reservoir sampling, seeded), taking the
     * {@code quantile} and {@code 1 - quantile} values of each dimension as its range, so rare outliers are clamped
     * instead of stretching the grid. {@code quantile = 0} gives the sample's exact min and max.
     *
     * @param quantile in [0, 0.5)
     */
    public static ScalarQuantizer trainRobust(Iterator<float[]> vectors, int dim, double quantile, int maxSample,
                                              long seed, ScaleMode mode) {
        checkDim(dim);
        if (!(quantile >= 0.0 && quantile < 0.5)) {
            throw new IllegalArgumentException("quantile must be in [0, 0.5), got " + quantile);
        }
        if (maxSample < 1) {
            throw new IllegalArgumentException("maxSample must be >= 1, got " + maxSample);
        }
        float[][] sample = new float[Math.min(maxSample, 1 << 16)][];
        int size = 0;
        long seen = 0;
        SplittableRandom random = new SplittableRandom(seed);
        while (vectors.hasNext()) {
            float[] v = checkVector(vectors.next(), dim, seen);
            if (size < maxSample) {
                if (size == sample.length) {
                    sample = Arrays.copyOf(sample, (int) Math.min(maxSample, 2L * sample.length));
                }
                sample[size++] = v.clone();
            } else {
                long slot = random.nextLong(seen + 1);
                if (slot < maxSample) {
                    sample[(int) slot] = v.clone();
                }
            }
            seen++;
        }
        if (size == 0) {
            throw new IllegalArgumentException("cannot train a quantizer on zero vectors");
        }
        float[] min = new float[dim];
        float[] max = new float[dim];
        float[] column = new float[size];
        int lo = (int) Math.floor(quantile * (size - 1));
        int hi = (size - 1) - lo;
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < size; j++) {
                column[j] = sample[j][i];
            }
            Arrays.sort(column);
            min[i] = column[lo];
            max[i] = column[hi];
        }
        return fromRanges(min, max, mode);
    }

    private static ScalarQuantizer fromRanges(float[] min, float[] max, ScaleMode mode) {
        int dim = min.length;
        float[] scale = new float[dim];
        float widest = 0f;
        for (int i = 0; i < dim; i++) {
            // Double: max - min may overflow float for components near ±Float.MAX_VALUE.
            double range = (double) max[i] - (double) min[i];
            // Finite for any finite min and max: (2 * Float.MAX_VALUE) / 255 fits a float.
            float s = range > 0.0 ? (float) (range / MAX_CODE) : 1f;
            if (s == 0f) {
                // Range so small that range / 255 underflows to zero: any positive scale keeps codes at 0.
                s = Float.MIN_NORMAL;
            }
            scale[i] = s;
            if (range > 0.0) {
                widest = Math.max(widest, s);
            }
        }
        if (mode == ScaleMode.SHARED) {
            Arrays.fill(scale, widest > 0f ? widest : 1f);
        }
        return new ScalarQuantizer(min, scale);
    }

    private static void checkDim(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
        }
    }

    private static float[] checkVector(float[] v, int dim, long index) {
        Objects.requireNonNull(v, "training vector");
        if (v.length != dim) {
            throw new IllegalArgumentException("dimension mismatch: expected " + dim + ", got " + v.length
                    + " (training vector " + index + ")");
        }
        for (int i = 0; i < dim; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("training vector " + index + " has a non-finite component at "
                        + i + ": " + v[i]);
            }
        }
        return v;
    }

    public int dimension() {
        return mins.length;
    }

    /** Per-dimension minimum (a copy). */
    public float[] mins() {
        return mins.clone();
    }

    /** Per-dimension scale (a copy); all equal when trained with {@link ScaleMode#SHARED}. */
    public float[] scales() {
        return scales.clone();
    }

    /** True when every dimension has the same scale, so integer code distances are proportional to float ones. */
    public boolean hasSharedScale() {
        return sharedScale;
    }

    /** The code of component {@code x} in dimension {@code i}. */
    public int encode(int i, float x) {
        // Double arithmetic: x - min overflows float when the range spans most of the float line.
        // Clamping after rounding gives the same result as before (0 and 255 are integers).
        long c = Math.round(((double) x - mins[i]) / scales[i]);
        return (int) Math.max(0L, Math.min(MAX_CODE, c));
    }

    /** The value code {@code c} of dimension {@code i} stands for: {@code min_i + scale_i * c}. */
    public float decode(int i, int c) {
        // Double, then one rounding: scale * 255 may exceed Float.MAX_VALUE although the sum does not.
        return (float) (mins[i] + (double) scales[i] * c);
    }

    /** Encodes {@code v} into a new code array. */
    public byte[] encode(float[] v) {
        byte[] out = new byte[mins.length];
        encode(v, out);
        return out;
    }

    /** Encodes {@code v} into {@code out}. */
    public void encode(float[] v, byte[] out) {
        checkLength(v.length);
        checkLength(out.length);
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) encode(i, checkFinite(v, i));
        }
    }

    /** Encodes {@code v} into {@code dim} bytes of {@code segment} starting at {@code byteOffset}. */
    public void encode(float[] v, MemorySegment segment, long byteOffset) {
        checkLength(v.length);
        for (int i = 0; i < v.length; i++) {
            segment.set(ValueLayout.JAVA_BYTE, byteOffset + i, (byte) encode(i, checkFinite(v, i)));
        }
    }

    /** Decodes codes into a new float array. */
    public float[] decode(byte[] codes) {
        float[] out = new float[mins.length];
        decode(codes, out);
        return out;
    }

    /** Decodes {@code codes} into {@code out}. */
    public void decode(byte[] codes, float[] out) {
        checkLength(codes.length);
        checkLength(out.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = decode(i, Byte.toUnsignedInt(codes[i]));
        }
    }

    /** Decodes {@code dim} codes from {@code segment} at {@code byteOffset} into {@code out}. */
    public void decode(MemorySegment segment, long byteOffset, float[] out) {
        checkLength(out.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = decode(i, Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, byteOffset + i)));
        }
    }

    /**
     * Encodes a query for the integer-kernel estimates of {@link QuantizedQuery}.
     *
     * @throws IllegalStateException if this quantizer has per-dimension scales (the integer distance would then weigh
     *                               dimensions differently from the float one)
     */
    public QuantizedQuery quantizeQuery(float[] query) {
        if (!sharedScale) {
            throw new IllegalStateException("integer-kernel estimates need a shared scale; this quantizer has "
                    + "per-dimension scales (train with ScaleMode.SHARED)");
        }
        byte[] q = encode(query);
        double ym = 0;
        for (int i = 0; i < query.length; i++) {
            ym += (double) query[i] * mins[i];
        }
        return new QuantizedQuery(q, scales[0], (float) ym);
    }

    /** {@code Σ min_i * c_i}: the per-vector term of {@link QuantizedQuery#dot}; compute once per stored vector. */
    public float minsDotCodes(byte[] codes) {
        checkLength(codes.length);
        double sum = 0;
        for (int i = 0; i < codes.length; i++) {
            sum += (double) mins[i] * Byte.toUnsignedInt(codes[i]);
        }
        return (float) sum;
    }

    /** {@code Σ min_i * c_i} for the {@code dim} codes at {@code byteOffset}. */
    public float minsDotCodes(MemorySegment segment, long byteOffset) {
        double sum = 0;
        for (int i = 0; i < mins.length; i++) {
            sum += (double) mins[i] * Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, byteOffset + i));
        }
        return (float) sum;
    }

    private void checkLength(int length) {
        if (length != mins.length) {
            throw new IllegalArgumentException("dimension mismatch: expected " + mins.length + ", got " + length);
        }
    }

    private static float checkFinite(float[] v, int i) {
        float x = v[i];
        if (!Float.isFinite(x)) {
            throw new IllegalArgumentException("cannot quantize non-finite component " + x + " at index " + i);
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalarQuantizer other && Arrays.equals(mins, other.mins)
                && Arrays.equals(scales, other.scales);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mins) + Arrays.hashCode(scales);
    }

    @Override
    public String toString() {
        return "ScalarQuantizer[dim=" + mins.length + (sharedScale ? ", shared scale " + scales[0] : "") + "]";
    }
}
