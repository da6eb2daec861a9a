package dev.quiver.simd;

import java.lang.foreign.MemorySegment;

/**
 * The scalar twin of {@link VectorOps}, callable whatever kernels are active: the kernels {@link VectorOps} falls back
 * to when the Vector API is absent. Public so benchmarks can measure both paths in one JVM and so callers can get
 * results that do not depend on the JVM's flags. Same contracts as {@link VectorOps}.
 */
public final class ScalarVectorOps {

    private static final ScalarKernels K = ScalarKernels.INSTANCE;

    private ScalarVectorOps() {
    }

    public static float dot(float[] a, float[] b) {
        return K.dot(a, b);
    }

    public static float squareDistance(float[] a, float[] b) {
        return K.squareDistance(a, b);
    }

    public static float cosineDistance(float[] a, float[] b) {
        return K.cosineDistance(a, b);
    }

    public static void cosineDistances(float[] dots, float qNorm, float[] norms, int count) {
        K.cosineDistances(dots, qNorm, norms, count);
    }

    public static int countAtMost(float[] sorted, int n, float x) {
        return K.countAtMost(sorted, n, x);
    }

    public static float normSquared(float[] a) {
        return K.normSquared(a);
    }

    public static float dot(float[] q, MemorySegment s, long byteOffset) {
        return K.dot(q, s, byteOffset);
    }

    public static float squareDistance(float[] q, MemorySegment s, long byteOffset) {
        return K.squareDistance(q, s, byteOffset);
    }

    public static void dotBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out) {
        K.dotBulk(q, segs, byteOffsets, count, out);
    }

    public static void squareDistanceBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count,
                                          float[] out) {
        K.squareDistanceBulk(q, segs, byteOffsets, count, out);
    }

    public static int squareDistanceU8(byte[] q, MemorySegment codes, long byteOffset) {
        return K.squareDistanceU8(q, codes, byteOffset);
    }

    public static void squareDistanceU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count,
                                            int[] out) {
        K.squareDistanceU8Bulk(q, segs, byteOffsets, count, out);
    }

    public static int squareDistanceU8(byte[] a, byte[] b) {
        return K.squareDistanceU8(a, b);
    }

    public static int dotU8(byte[] a, byte[] b) {
        return K.dotU8(a, b);
    }
}
