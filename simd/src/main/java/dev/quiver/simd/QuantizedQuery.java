package dev.quiver.simd;

import java.lang.foreign.MemorySegment;

/**
 * A float query prepared for scoring against SQ8 codes with the integer kernels, for a quantizer with one shared
 * scale {@code s} (see {@link ScalarQuantizer.ScaleMode#SHARED}) and per-dimension mins {@code m}.
 *
 * <p>The math. A stored vector is known only as {@code x̂ = m + s c} (codes {@code c}). The query {@code y} is encoded
 * with the same codec, {@code y = m + s q + e} with {@code |e_i| <= s/2} when {@code y} is inside the trained range.
 * <pre>
 *   |y - x̂|² = s² Σ(q_i - c_i)² + 2s Σ e_i (q_i - c_i) + Σ e_i²
 *            ≈ s² · squareDistanceU8(q, c)                                  (drops the e terms)
 *
 *   y · x̂   = y·m + s Σ y_i c_i = y·m + s (m·c) + s² (q·c) + s (e·c)
 *            ≈ [y·m] + s · [m·c] + s² · dotU8(q, c)                          (drops s (e·c))
 * </pre>
 * {@code y·m} and {@code q} are computed once here, per query. {@code m·c} depends only on the stored vector: compute
 * it once when encoding ({@link ScalarQuantizer#minsDotCodes}) and keep it beside the codes. The dropped terms bound
 * the error: L2 by {@code s Σ|q_i - c_i| + dim s²/4}, dot by {@code (s²/2) Σ c_i}. Final results should be re-ranked
 * with float32 vectors.
 */
public final class QuantizedQuery {

    private final byte[] codes;
    private final float scale;
    private final float scaleSquared;
    private final float queryDotMins;

    QuantizedQuery(byte[] codes, float scale, float queryDotMins) {
        this.codes = codes;
        this.scale = scale;
        this.scaleSquared = scale * scale;
        this.queryDotMins = queryDotMins;
    }

    /** The query's own SQ8 codes, for the u8 kernels (not copied: do not modify). */
    public byte[] codes() {
        return codes;
    }

    /** Estimated squared L2 distance from an integer code distance {@code squareDistanceU8(codes(), c)}. */
    public float squareDistance(int u8SquareDistance) {
        return scaleSquared * u8SquareDistance;
    }

    /** Estimated squared L2 distance to the candidate codes at {@code byteOffset}. */
    public float squareDistance(MemorySegment candidateCodes, long byteOffset) {
        return squareDistance(VectorOps.squareDistanceU8(codes, candidateCodes, byteOffset));
    }

    /**
     * Estimated dot product {@code y · x̂} from {@code dotU8(codes(), c)} and the candidate's stored {@code m·c}.
     */
    public float dot(int u8Dot, float candidateMinsDotCodes) {
        return queryDotMins + scale * candidateMinsDotCodes + scaleSquared * u8Dot;
    }

    /** Estimated dot product with the candidate codes at {@code byteOffset}, given its stored {@code m·c}. */
    public float dot(MemorySegment candidateCodes, long byteOffset, float candidateMinsDotCodes) {
        return dot(VectorOps.dotU8(codes, candidateCodes, byteOffset), candidateMinsDotCodes);
    }
}
