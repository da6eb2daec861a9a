package dev.quiver.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The scalar twin of every kernel: plain loops, no allocation, no Vector API. Used when jdk.incubator.vector is not in
 * the boot layer or {@code -Dquiver.simd=scalar} is set, and as the reference the Panama kernels are tested against.
 *
 * <p>Float loops keep four independent accumulators. Without them each iteration waits for the previous add (C2 may
 * not reorder floating-point sums), so one accumulator runs at the FP-add latency (3-4 cycles) instead of its
 * throughput; four chains hide that latency. The summation order therefore differs from a naive loop by rounding only.
 */
final class ScalarKernels implements DistanceKernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    /** float32, little-endian, no alignment requirement: vectors sit at arbitrary byte offsets in slabs. */
    static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, float[] b) {
        assert a.length == b.length;
        int n = a.length;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (int upper = n & ~3; i < upper; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        assert a.length == b.length;
        int n = a.length;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (int upper = n & ~3; i < upper; i += 4) {
            float d0 = a[i] - b[i];
            float d1 = a[i + 1] - b[i + 1];
            float d2 = a[i + 2] - b[i + 2];
            float d3 = a[i + 3] - b[i + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < n; i++) {
            float d = a[i] - b[i];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float cosineDistance(float[] a, float[] b) {
        assert a.length == b.length;
        int n = a.length;
        // Two lanes per sum: three sums of four chains would need twelve live registers for little gain.
        float ab0 = 0f, ab1 = 0f, aa0 = 0f, aa1 = 0f, bb0 = 0f, bb1 = 0f;
        int i = 0;
        for (int upper = n & ~1; i < upper; i += 2) {
            float x0 = a[i], y0 = b[i], x1 = a[i + 1], y1 = b[i + 1];
            ab0 += x0 * y0;
            aa0 += x0 * x0;
            bb0 += y0 * y0;
            ab1 += x1 * y1;
            aa1 += x1 * x1;
            bb1 += y1 * y1;
        }
        if (i < n) {
            float x = a[i], y = b[i];
            ab0 += x * y;
            aa0 += x * x;
            bb0 += y * y;
        }
        return Cosine.fromSquaredNorms(ab0 + ab1, aa0 + aa1, bb0 + bb1);
    }

    @Override
    public int quantizeU8(float[] v, float[] offsets, float invScale, byte[] out) {
        int clamped = 0;
        for (int d = 0; d < v.length; d++) {
            clamped += quantizeOne(v[d], offsets[d], invScale, out, d);
        }
        return clamped;
    }

    /** One component of {@link #quantizeU8} into {@code out[d]}; returns 1 when it was clamped. Branch-free. */
    static int quantizeOne(float value, float offset, float invScale, byte[] out, int d) {
        int rounded = Math.round((value - offset) * invScale); // NaN gives 0
        int code = Math.clamp(rounded, 0, 255);
        out[d] = (byte) code;
        return rounded != code ? 1 : 0;
    }

    @Override
    public float residualSquaredU8(float[] v, float[] offsets, float scale, byte[] code) {
        float sum = 0f;
        for (int d = 0; d < v.length; d++) {
            sum += residualOne(v[d], offsets[d], scale, code[d]);
        }
        return sum;
    }

    /** One term of {@link #residualSquaredU8}, in the order the Panama lanes compute it. */
    static float residualOne(float value, float offset, float scale, byte code) {
        float e = value - ((code & 0xFF) * scale + offset);
        return e * e;
    }

    /**
     * Binary search written so that each step compiles to a conditional move: where a search pool's insert lands is a
     * coin flip a branch predictor cannot learn.
     */
    @Override
    public int countAtMost(float[] sorted, int n, float x) {
        if (n == 0) {
            return 0;
        }
        int base = 0;
        while (n > 1) {
            int half = n >>> 1;
            base = sorted[base + half] <= x ? base + half : base;
            n -= half;
        }
        return sorted[base] <= x ? base + 1 : base;
    }

    @Override
    public void cosineDistances(float[] dots, float qNorm, float[] norms, int count) {
        for (int i = 0; i < count; i++) {
            dots[i] = Cosine.fromNorms(dots[i], qNorm, norms[i]);
        }
    }

    @Override
    public float normSquared(float[] a) {
        int n = a.length;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (int upper = n & ~3; i < upper; i += 4) {
            s0 += a[i] * a[i];
            s1 += a[i + 1] * a[i + 1];
            s2 += a[i + 2] * a[i + 2];
            s3 += a[i + 3] * a[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float dot(float[] q, MemorySegment s, long byteOffset) {
        int n = q.length;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        long off = byteOffset;
        for (int upper = n & ~3; i < upper; i += 4, off += 16) {
            s0 += q[i] * s.get(LE_FLOAT, off);
            s1 += q[i + 1] * s.get(LE_FLOAT, off + 4);
            s2 += q[i + 2] * s.get(LE_FLOAT, off + 8);
            s3 += q[i + 3] * s.get(LE_FLOAT, off + 12);
        }
        for (; i < n; i++, off += 4) {
            s0 += q[i] * s.get(LE_FLOAT, off);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float squareDistance(float[] q, MemorySegment s, long byteOffset) {
        int n = q.length;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        long off = byteOffset;
        for (int upper = n & ~3; i < upper; i += 4, off += 16) {
            float d0 = q[i] - s.get(LE_FLOAT, off);
            float d1 = q[i + 1] - s.get(LE_FLOAT, off + 4);
            float d2 = q[i + 2] - s.get(LE_FLOAT, off + 8);
            float d3 = q[i + 3] - s.get(LE_FLOAT, off + 12);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < n; i++, off += 4) {
            float d = q[i] - s.get(LE_FLOAT, off);
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float normSquared(MemorySegment s, long byteOffset, int dim) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        long off = byteOffset;
        for (int upper = dim & ~3; i < upper; i += 4, off += 16) {
            float x0 = s.get(LE_FLOAT, off);
            float x1 = s.get(LE_FLOAT, off + 4);
            float x2 = s.get(LE_FLOAT, off + 8);
            float x3 = s.get(LE_FLOAT, off + 12);
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; i < dim; i++, off += 4) {
            float x = s.get(LE_FLOAT, off);
            s0 += x * x;
        }
        return (s0 + s1) + (s2 + s3);
    }

    // The scalar bulk kernels score one candidate after another: without SIMD the loop is compute-bound enough that
    // interleaving candidates buys little, and the simple form keeps this class an obvious reference.
    @Override
    public void dotBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out) {
        for (int c = 0; c < count; c++) {
            out[c] = dot(q, segs[c], byteOffsets[c]);
        }
    }

    @Override
    public void squareDistanceBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out) {
        for (int c = 0; c < count; c++) {
            out[c] = squareDistance(q, segs[c], byteOffsets[c]);
        }
    }

    // Integer sums are exact and associative, so one accumulator per quantity is enough for C2 to vectorise or
    // pipeline freely.
    @Override
    public int squareDistanceU8(byte[] q, MemorySegment codes, long byteOffset) {
        int n = q.length;
        int sum = 0;
        for (int i = 0; i < n; i++) {
            int d = Byte.toUnsignedInt(q[i]) - Byte.toUnsignedInt(codes.get(ValueLayout.JAVA_BYTE, byteOffset + i));
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dotU8(byte[] q, MemorySegment codes, long byteOffset) {
        int n = q.length;
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Byte.toUnsignedInt(q[i]) * Byte.toUnsignedInt(codes.get(ValueLayout.JAVA_BYTE, byteOffset + i));
        }
        return sum;
    }

    @Override
    public void squareDistanceU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out) {
        for (int c = 0; c < count; c++) {
            out[c] = squareDistanceU8(q, segs[c], byteOffsets[c]);
        }
    }

    @Override
    public void dotU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out) {
        for (int c = 0; c < count; c++) {
            out[c] = dotU8(q, segs[c], byteOffsets[c]);
        }
    }

    @Override
    public int squareDistanceU8(byte[] a, byte[] b) {
        assert a.length == b.length;
        int sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Byte.toUnsignedInt(a[i]) - Byte.toUnsignedInt(b[i]);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dotU8(byte[] a, byte[] b) {
        assert a.length == b.length;
        int sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Byte.toUnsignedInt(a[i]) * Byte.toUnsignedInt(b[i]);
        }
        return sum;
    }

    // ---------------------------------------------------------------- segment x segment (stored vs stored)

    @Override
    public float dot(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        long ao = aByteOffset, bo = bByteOffset;
        for (int upper = dim & ~3; i < upper; i += 4, ao += 16, bo += 16) {
            s0 += a.get(LE_FLOAT, ao) * b.get(LE_FLOAT, bo);
            s1 += a.get(LE_FLOAT, ao + 4) * b.get(LE_FLOAT, bo + 4);
            s2 += a.get(LE_FLOAT, ao + 8) * b.get(LE_FLOAT, bo + 8);
            s3 += a.get(LE_FLOAT, ao + 12) * b.get(LE_FLOAT, bo + 12);
        }
        for (; i < dim; i++, ao += 4, bo += 4) {
            s0 += a.get(LE_FLOAT, ao) * b.get(LE_FLOAT, bo);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float squareDistance(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        long ao = aByteOffset, bo = bByteOffset;
        for (int upper = dim & ~3; i < upper; i += 4, ao += 16, bo += 16) {
            float d0 = a.get(LE_FLOAT, ao) - b.get(LE_FLOAT, bo);
            float d1 = a.get(LE_FLOAT, ao + 4) - b.get(LE_FLOAT, bo + 4);
            float d2 = a.get(LE_FLOAT, ao + 8) - b.get(LE_FLOAT, bo + 8);
            float d3 = a.get(LE_FLOAT, ao + 12) - b.get(LE_FLOAT, bo + 12);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < dim; i++, ao += 4, bo += 4) {
            float d = a.get(LE_FLOAT, ao) - b.get(LE_FLOAT, bo);
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public int squareDistanceU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        int sum = 0;
        for (int i = 0; i < dim; i++) {
            int d = Byte.toUnsignedInt(a.get(ValueLayout.JAVA_BYTE, aByteOffset + i))
                    - Byte.toUnsignedInt(b.get(ValueLayout.JAVA_BYTE, bByteOffset + i));
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dotU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        int sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += Byte.toUnsignedInt(a.get(ValueLayout.JAVA_BYTE, aByteOffset + i))
                    * Byte.toUnsignedInt(b.get(ValueLayout.JAVA_BYTE, bByteOffset + i));
        }
        return sum;
    }
}
