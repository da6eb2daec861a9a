package dev.quiver.simd;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PanamaKernels}' SQ8 codec kernels, the two passes over the query that every search on SQ8 codes makes.
 *
 * <p>The encoder: {@code out[d] = clamp(Math.round((v[d] - offsets[d]) * invScale), 0, 255)},
 * the same bytes and clamp count as {@link ScalarKernels#quantizeU8}, a full float vector per step. Every search on
 * SQ8 codes encodes its query this way, and the scalar loop it replaced (Math.round and two clamping branches per
 * component) cost 2.8 ns per component: 2.2 us per query at 784-d, a few per cent of an SQ8 walk
 * (bench/results/session12.md).
 *
 * <p>Rounding without {@code Math.round}: with {@code x} clamped to [0, 255], {@code t = (int) x} is its floor and
 * {@code x - t} is exact, so {@code t + (x - t >= 0.5 ? 1 : 0)} is {@code floor(x + 0.5)}, which is what Math.round
 * computes. Adding 0.5 in float first would not be: just below 0.5 the sum rounds up to 1. The clamp count comes from
 * the unclamped value: Math.round gives less than 0 exactly when {@code x < -0.5}, and more than 255 exactly when
 * {@code x >= 255.5}. A NaN lane compares false everywhere and converts to 0, as Math.round(NaN) does.
 *
 * <p>The residual {@code |v - decode(code)|^2} ({@link ScalarKernels#residualSquaredU8}): in float lanes, summed in
 * lane order, so it differs from the scalar sum by rounding only (both within about 1e-5 of a double sum: a term
 * rounds at the decoded value's scale). The scalar double loop it replaced cost 1.2 ns per component.
 */
final class U8Codec {

    private static final VectorSpecies<Float> F = PanamaKernels.F;
    private static final VectorSpecies<Integer> I = PanamaKernels.I;
    private static final int FL = F.length();
    /** One byte per float lane; only when such a species exists (see {@code PanamaKernels.U8_SIMD}). */
    static final boolean SIMD = F.length() == I.length() && I.length() >= 8;

    private U8Codec() {
    }

    static int quantize(float[] v, float[] offsets, float invScale, byte[] out) {
        if (!SIMD) {
            return ScalarKernels.INSTANCE.quantizeU8(v, offsets, invScale, out);
        }
        int n = v.length;
        int i = 0;
        int clamped = 0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(F, v, i).sub(FloatVector.fromArray(F, offsets, i)).mul(invScale);
            clamped += x.compare(LT, -0.5f).or(x.compare(GE, 255.5f)).trueCount();
            FloatVector inRange = x.max(0f).min(255f);
            IntVector floor = (IntVector) inRange.convert(VectorOperators.F2I, 0);
            VectorMask<Float> roundUp = inRange.sub((FloatVector) floor.convert(VectorOperators.I2F, 0))
                    .compare(GE, 0.5f);
            floor.add(1, roundUp.cast(I)).convertShape(VectorOperators.I2B, PanamaKernels.B, 0)
                    .reinterpretAsBytes().intoArray(out, i);
        }
        for (; i < n; i++) {
            clamped += ScalarKernels.quantizeOne(v[i], offsets[i], invScale, out, i);
        }
        return clamped;
    }

    static float residualSquared(float[] v, float[] offsets, float scale, byte[] code) {
        if (!SIMD) {
            return ScalarKernels.INSTANCE.residualSquaredU8(v, offsets, scale, code);
        }
        int n = v.length;
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector c = (FloatVector) PanamaKernels.widen(ByteVector.fromArray(PanamaKernels.B, code, i))
                    .convert(VectorOperators.I2F, 0);
            FloatVector decoded = c.mul(scale).add(FloatVector.fromArray(F, offsets, i));
            FloatVector e = FloatVector.fromArray(F, v, i).sub(decoded);
            acc = e.mul(e).add(acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += ScalarKernels.residualOne(v[i], offsets[i], scale, code[i]);
        }
        return sum;
    }
}
