package dev.quiver.simd;

import java.lang.foreign.MemorySegment;

/**
 * One implementation of every distance kernel. Two exist: {@link ScalarKernels} (plain Java loops, always available)
 * and {@code PanamaKernels} (jdk.incubator.vector lanes, loaded only when that module is in the boot layer).
 *
 * <p>Callers go through {@link VectorOps}, which holds exactly one instance in a {@code static final} field so the JIT
 * sees a constant receiver and inlines the kernel. Inputs are validated by {@link VectorOps}; implementations only
 * assert.
 */
interface DistanceKernels {

    String name();

    float dot(float[] a, float[] b);

    float squareDistance(float[] a, float[] b);

    /** {@code 1 - cos(a, b)}, zero-vector rules as in {@link VectorOps#cosineDistance(float, float, float)}. */
    float cosineDistance(float[] a, float[] b);

    float normSquared(float[] a);

    /**
     * {@code dots[i] = cosineDistance(dots[i], qNorm, norms[i])} for {@code i < count}, in place, the same values as
     * {@link VectorOps#cosineDistance(float, float, float)} (any NaN as a NaN).
     */
    void cosineDistances(float[] dots, float qNorm, float[] norms, int count);

    /** How many of the first {@code n} of {@code sorted} (ascending) are {@code <= x}. */
    int countAtMost(float[] sorted, int n, float x);

    /**
     * SQ8 encoding: {@code out[d] = clamp(Math.round((v[d] - offsets[d]) * invScale), 0, 255)} as an unsigned byte;
     * returns how many components were clamped (Math.round outside [0, 255]). NaN encodes to 0, unclamped.
     */
    int quantizeU8(float[] v, float[] offsets, float invScale, byte[] out);

    /** {@code sum (v[d] - (code[d] * scale + offsets[d]))^2} over {@code d < v.length}, codes unsigned, in float. */
    float residualSquaredU8(float[] v, float[] offsets, float scale, byte[] code);

    float dot(float[] q, MemorySegment s, long byteOffset);

    float squareDistance(float[] q, MemorySegment s, long byteOffset);

    float normSquared(MemorySegment s, long byteOffset, int dim);

    void dotBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out);

    void squareDistanceBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out);

    int squareDistanceU8(byte[] q, MemorySegment codes, long byteOffset);

    int dotU8(byte[] q, MemorySegment codes, long byteOffset);

    void squareDistanceU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out);

    void dotU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out);

    int squareDistanceU8(byte[] a, byte[] b);

    float dot(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim);

    float squareDistance(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim);

    int squareDistanceU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim);

    int dotU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim);

    int dotU8(byte[] a, byte[] b);
}
