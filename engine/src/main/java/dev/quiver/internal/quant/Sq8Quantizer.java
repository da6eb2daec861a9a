package dev.quiver.internal.quant;

import dev.quiver.simd.VectorOps;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * SQ8 codec: {@code code[d] = round(clamp((x[d] - offset[d]) / scale, 0, 255))}, decoded as
 * {@code offset[d] + scale * code[d]}.
 *
 * <p>Why one scale for all dimensions: with a shared scale the per-dimension offsets cancel in differences, so the
 * integer kernel's {@code sum (qc - c)^2} is exactly {@code ||q - x||^2 / scale^2} up to rounding, and squared-L2
 * ranking on codes needs no per-dimension weights (a per-dimension scale would weight dimension d by
 * {@code scale[d]^2}, which the integer kernel cannot do). Inner products get a per-vector correction term instead
 * (see {@link #correction}). Offsets and the range are trained on quantiles, not min/max, so a few outliers do not
 * waste the 256 levels (values outside clamp, and the clamp rate is tracked to trigger retraining).
 */
public final class Sq8Quantizer {

    /** Fraction of values per dimension left outside the trained range at each end. */
    static final double TAIL = 0.001;
    /** Vectors sampled for training. */
    static final int MAX_SAMPLE = 20_000;

    private final float[] offsets;
    private final float scale;

    public Sq8Quantizer(float[] offsets, float scale) {
        if (!(scale > 0f) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        this.offsets = offsets.clone();
        this.scale = scale;
    }

    /**
     * Trains on {@code count} vectors given by index ({@code vectors.apply(i)} for {@code i < count}), sampling
     * at most {@value #MAX_SAMPLE} of them evenly. An empty training set yields the identity-like codec
     * (offset 0, scale 1/255) so later inserts still encode to finite values.
     */
    public static Sq8Quantizer train(int dim, int count, IntFunction<float[]> vectors) {
        if (count <= 0) {
            return new Sq8Quantizer(new float[dim], 1f / 255f);
        }
        int sample = Math.min(count, MAX_SAMPLE);
        float[][] columns = new float[dim][sample];
        for (int i = 0; i < sample; i++) {
            float[] v = vectors.apply((int) ((long) i * count / sample));
            for (int d = 0; d < dim; d++) {
                columns[d][i] = v[d];
            }
        }
        float[] lo = new float[dim];
        float range = 0f;
        int loRank = (int) Math.floor(TAIL * (sample - 1));
        int hiRank = (int) Math.ceil((1 - TAIL) * (sample - 1));
        for (int d = 0; d < dim; d++) {
            float[] col = columns[d];
            Arrays.sort(col);
            lo[d] = col[loRank];
            range = Math.max(range, col[hiRank] - col[loRank]);
        }
        float scale = range > 0f && Float.isFinite(range) ? range / 255f : 1f / 255f;
        return new Sq8Quantizer(lo, scale);
    }

    public int dim() {
        return offsets.length;
    }

    public float scale() {
        return scale;
    }

    public float offset(int d) {
        return offsets[d];
    }

    public float[] offsets() {
        return offsets.clone();
    }

    /** Encodes {@code v} into {@code out}; returns how many dimensions were clamped. */
    public int encode(float[] v, byte[] out) {
        // One SIMD pass: every search on codes encodes its query (NaN, never admitted by the index, encodes to 0).
        return VectorOps.quantizeU8(v, offsets, 1f / scale, out);
    }

    /**
     * {@code |v - decode(code)|^2}, {@code code} being {@code v}'s code: how far quantizing moved {@code v} (at most
     * {@code dim * (scale / 2)^2} when no component was clamped).
     */
    public double residualSquared(float[] v, byte[] code) {
        // In float lanes (every search on codes computes it for its query): its only use is to compare a query's
        // residual with those of sampled nodes, computed here alike. A component ~1e19 outside the trained range
        // overflows float; the double sum keeps such a vector's residual finite, as it was before the lanes.
        float inLanes = VectorOps.residualSquaredU8(v, offsets, scale, code);
        return Float.isFinite(inLanes) ? inLanes : residualSquaredInDoubles(v, code);
    }

    private double residualSquaredInDoubles(float[] v, byte[] code) {
        double sum = 0;
        for (int d = 0; d < offsets.length; d++) {
            double e = v[d] - ((double) offsets[d] + (double) scale * (code[d] & 0xFF));
            sum += e * e;
        }
        return sum;
    }

    /** {@code y . offsets} in float: the query side of the inner product on codes (see {@link #correction}). */
    public float offsetDot(float[] y) {
        return VectorOps.dot(y, offsets);
    }

    public void decode(byte[] code, float[] out) {
        for (int d = 0; d < offsets.length; d++) {
            out[d] = offsets[d] + scale * (code[d] & 0xFF);
        }
    }

    /**
     * The per-vector term of the inner product on codes: {@code scale * sum(offset[d] * code[d])}. With the query's
     * codes {@code qc} and its unquantized {@code y . offsets} ({@link #offsetDot}), a stored
     * {@code x^ = offsets + scale * c} gives {@code y . x^ ~ y . offsets + correction(c) + scale^2 * dotU8(qc, c)}
     * (dropping only the query's rounding).
     */
    public float correction(byte[] code) {
        double sum = 0;
        for (int d = 0; d < offsets.length; d++) {
            sum += (double) offsets[d] * (code[d] & 0xFF);
        }
        return (float) (scale * sum);
    }

}
