package dev.quiver.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.quiver.simd.PanamaKernels.fma;

/**
 * The last {@code < lanes} elements of {@link PanamaKernels}' float x segment kernels, four at a time in 128-bit
 * vectors, then one by one. With 512-bit vectors (16 lanes) a 100-d vector leaves 4 elements after the wide loop; one
 * by one they cost four bounds-checked segment reads each (per candidate, so 16 in a four-candidate kernel), which
 * a profile of a 100-d build showed as a tenth of its time. A 128-bit step takes them in one load (with 128-bit
 * preferred vectors the tail is under 4 elements and goes straight to the scalar loop, as before).
 *
 * <p>Each method sums the elements {@code [from, q.length)} and returns (or adds to {@code out}) that part.
 */
final class FloatTails {

    private static final VectorSpecies<Float> T = FloatVector.SPECIES_128;
    private static final int TL = T.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private FloatTails() {
    }

    private static FloatVector load(MemorySegment s, long byteOffset) {
        return FloatVector.fromMemorySegment(T, s, byteOffset, LE);
    }

    private static float at(MemorySegment s, long byteOffset) {
        return s.get(ScalarKernels.LE_FLOAT, byteOffset);
    }

    static float dot(float[] q, MemorySegment s, long off, int from) {
        int n = q.length;
        int i = from;
        float sum = 0f;
        if (n - i >= TL) {
            FloatVector acc = FloatVector.zero(T);
            for (int bound = n - TL; i <= bound; i += TL) {
                acc = fma(FloatVector.fromArray(T, q, i), load(s, off + (long) i * Float.BYTES), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum = fma(q[i], at(s, off + (long) i * Float.BYTES), sum);
        }
        return sum;
    }

    static float squareDistance(float[] q, MemorySegment s, long off, int from) {
        int n = q.length;
        int i = from;
        float sum = 0f;
        if (n - i >= TL) {
            FloatVector acc = FloatVector.zero(T);
            for (int bound = n - TL; i <= bound; i += TL) {
                FloatVector d = FloatVector.fromArray(T, q, i).sub(load(s, off + (long) i * Float.BYTES));
                acc = fma(d, d, acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float d = q[i] - at(s, off + (long) i * Float.BYTES);
            sum = fma(d, d, sum);
        }
        return sum;
    }

    /** Adds the tails of four candidates' dot products to {@code out[at..at+3]}. */
    static void dot4(float[] q, MemorySegment m0, long o0, MemorySegment m1, long o1, MemorySegment m2, long o2,
                     MemorySegment m3, long o3, int from, float[] out, int at) {
        int n = q.length;
        int i = from;
        float r0 = 0f, r1 = 0f, r2 = 0f, r3 = 0f;
        if (n - i >= TL) {
            FloatVector a0 = FloatVector.zero(T), a1 = a0, a2 = a0, a3 = a0;
            for (int bound = n - TL; i <= bound; i += TL) {
                long d = (long) i * Float.BYTES;
                FloatVector x = FloatVector.fromArray(T, q, i);
                a0 = fma(x, load(m0, o0 + d), a0);
                a1 = fma(x, load(m1, o1 + d), a1);
                a2 = fma(x, load(m2, o2 + d), a2);
                a3 = fma(x, load(m3, o3 + d), a3);
            }
            r0 = a0.reduceLanes(VectorOperators.ADD);
            r1 = a1.reduceLanes(VectorOperators.ADD);
            r2 = a2.reduceLanes(VectorOperators.ADD);
            r3 = a3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            long d = (long) i * Float.BYTES;
            float x = q[i];
            r0 = fma(x, at(m0, o0 + d), r0);
            r1 = fma(x, at(m1, o1 + d), r1);
            r2 = fma(x, at(m2, o2 + d), r2);
            r3 = fma(x, at(m3, o3 + d), r3);
        }
        out[at] += r0;
        out[at + 1] += r1;
        out[at + 2] += r2;
        out[at + 3] += r3;
    }

    /** Adds the tails of four candidates' squared distances to {@code out[at..at+3]}. */
    static void squareDistance4(float[] q, MemorySegment m0, long o0, MemorySegment m1, long o1, MemorySegment m2,
                                long o2, MemorySegment m3, long o3, int from, float[] out, int at) {
        int n = q.length;
        int i = from;
        float r0 = 0f, r1 = 0f, r2 = 0f, r3 = 0f;
        if (n - i >= TL) {
            FloatVector a0 = FloatVector.zero(T), a1 = a0, a2 = a0, a3 = a0;
            for (int bound = n - TL; i <= bound; i += TL) {
                long d = (long) i * Float.BYTES;
                FloatVector x = FloatVector.fromArray(T, q, i);
                FloatVector d0 = x.sub(load(m0, o0 + d));
                FloatVector d1 = x.sub(load(m1, o1 + d));
                FloatVector d2 = x.sub(load(m2, o2 + d));
                FloatVector d3 = x.sub(load(m3, o3 + d));
                a0 = fma(d0, d0, a0);
                a1 = fma(d1, d1, a1);
                a2 = fma(d2, d2, a2);
                a3 = fma(d3, d3, a3);
            }
            r0 = a0.reduceLanes(VectorOperators.ADD);
            r1 = a1.reduceLanes(VectorOperators.ADD);
            r2 = a2.reduceLanes(VectorOperators.ADD);
            r3 = a3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            long d = (long) i * Float.BYTES;
            float x = q[i];
            float d0 = x - at(m0, o0 + d);
            float d1 = x - at(m1, o1 + d);
            float d2 = x - at(m2, o2 + d);
            float d3 = x - at(m3, o3 + d);
            r0 = fma(d0, d0, r0);
            r1 = fma(d1, d1, r1);
            r2 = fma(d2, d2, r2);
            r3 = fma(d3, d3, r3);
        }
        out[at] += r0;
        out[at + 1] += r1;
        out[at + 2] += r2;
        out[at + 3] += r3;
    }
}
