package dev.quiver.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.quiver.simd.PanamaKernels.fma;

/**
 * The group kernels behind {@link PanamaKernels}' float bulk distances: one query against four or eight stored vectors
 * per pass, each candidate in its own accumulator. The query is loaded once per step and the candidates' loads are
 * independent, so when the candidates are not in cache (the graph walk's usual case) their misses are in flight
 * together. Eight at a time instead of four cut the walk's CPU per query by 10-15% at 384-d and 784-d and 2-7% at
 * 100-d, and left an in-cache walk level (same-run A/B, bench/results/session7.md).
 *
 * <p>Every candidate's sum runs the same steps in the same order in both widths (and in the tails, {@link FloatTails}),
 * so a candidate's distance does not depend on the group it was scored in, which the bulk calls rely on when they
 * score a remainder as an overlapping group. (Bit for bit once both are compiled; the interpreter reduces the lanes in
 * another order than C2, so a kernel not yet compiled can differ in the last bits.)
 *
 * <p>The padded kernels ({@link #dot4Padded} and the others) repeat the whole-step loops of the full-group ones rather
 * than share them: these loops are written out in full on purpose (see {@link U8GroupKernels}: behind a shared helper
 * they ran 3.5x slower), and the full-group kernels, the hottest code of every walk, stay as they were measured.
 */
final class FloatGroupKernels {

    private static final VectorSpecies<Float> F = PanamaKernels.F;
    private static final int FL = PanamaKernels.FL;
    private static final ByteOrder LE = PanamaKernels.LE;

    private FloatGroupKernels() {
    }

    private static FloatVector load(MemorySegment s, long byteOffset) {
        return FloatVector.fromMemorySegment(F, s, byteOffset, LE);
    }

    /** Dot products of {@code q} with the eight candidates {@code segs/offs[at..at+7]} into {@code out[at..at+7]}. */
    static void dot8(float[] q, MemorySegment[] segs, long[] offs, int at, float[] out) {
        int n = q.length;
        int i = 0;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        MemorySegment m4 = segs[at + 4], m5 = segs[at + 5], m6 = segs[at + 6], m7 = segs[at + 7];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        long o4 = offs[at + 4], o5 = offs[at + 5], o6 = offs[at + 6], o7 = offs[at + 7];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            s0 = fma(x, load(m0, o0 + d), s0);
            s1 = fma(x, load(m1, o1 + d), s1);
            s2 = fma(x, load(m2, o2 + d), s2);
            s3 = fma(x, load(m3, o3 + d), s3);
            s4 = fma(x, load(m4, o4 + d), s4);
            s5 = fma(x, load(m5, o5 + d), s5);
            s6 = fma(x, load(m6, o6 + d), s6);
            s7 = fma(x, load(m7, o7 + d), s7);
        }
        out[at] = s0.reduceLanes(VectorOperators.ADD);
        out[at + 1] = s1.reduceLanes(VectorOperators.ADD);
        out[at + 2] = s2.reduceLanes(VectorOperators.ADD);
        out[at + 3] = s3.reduceLanes(VectorOperators.ADD);
        out[at + 4] = s4.reduceLanes(VectorOperators.ADD);
        out[at + 5] = s5.reduceLanes(VectorOperators.ADD);
        out[at + 6] = s6.reduceLanes(VectorOperators.ADD);
        out[at + 7] = s7.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            FloatTails.dot4(q, m0, o0, m1, o1, m2, o2, m3, o3, i, out, at);
            FloatTails.dot4(q, m4, o4, m5, o5, m6, o6, m7, o7, i, out, at + 4);
        }
    }

    /** Dot products of {@code q} with the four candidates {@code segs/offs[at..at+3]} into {@code out[at..at+3]}. */
    static void dot4(float[] q, MemorySegment[] segs, long[] offs, int at, float[] out) {
        int n = q.length;
        int i = 0;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            s0 = fma(x, load(m0, o0 + d), s0);
            s1 = fma(x, load(m1, o1 + d), s1);
            s2 = fma(x, load(m2, o2 + d), s2);
            s3 = fma(x, load(m3, o3 + d), s3);
        }
        out[at] = s0.reduceLanes(VectorOperators.ADD);
        out[at + 1] = s1.reduceLanes(VectorOperators.ADD);
        out[at + 2] = s2.reduceLanes(VectorOperators.ADD);
        out[at + 3] = s3.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            FloatTails.dot4(q, m0, o0, m1, o1, m2, o2, m3, o3, i, out, at);
        }
    }

    /** Squared L2 distances from {@code q} to the eight candidates at {@code at}, as {@link #dot8}. */
    static void squareDistance8(float[] q, MemorySegment[] segs, long[] offs, int at, float[] out) {
        int n = q.length;
        int i = 0;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        MemorySegment m4 = segs[at + 4], m5 = segs[at + 5], m6 = segs[at + 6], m7 = segs[at + 7];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        long o4 = offs[at + 4], o5 = offs[at + 5], o6 = offs[at + 6], o7 = offs[at + 7];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            FloatVector d0 = x.sub(load(m0, o0 + d));
            FloatVector d1 = x.sub(load(m1, o1 + d));
            FloatVector d2 = x.sub(load(m2, o2 + d));
            FloatVector d3 = x.sub(load(m3, o3 + d));
            FloatVector d4 = x.sub(load(m4, o4 + d));
            FloatVector d5 = x.sub(load(m5, o5 + d));
            FloatVector d6 = x.sub(load(m6, o6 + d));
            FloatVector d7 = x.sub(load(m7, o7 + d));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
            s4 = fma(d4, d4, s4);
            s5 = fma(d5, d5, s5);
            s6 = fma(d6, d6, s6);
            s7 = fma(d7, d7, s7);
        }
        out[at] = s0.reduceLanes(VectorOperators.ADD);
        out[at + 1] = s1.reduceLanes(VectorOperators.ADD);
        out[at + 2] = s2.reduceLanes(VectorOperators.ADD);
        out[at + 3] = s3.reduceLanes(VectorOperators.ADD);
        out[at + 4] = s4.reduceLanes(VectorOperators.ADD);
        out[at + 5] = s5.reduceLanes(VectorOperators.ADD);
        out[at + 6] = s6.reduceLanes(VectorOperators.ADD);
        out[at + 7] = s7.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            FloatTails.squareDistance4(q, m0, o0, m1, o1, m2, o2, m3, o3, i, out, at);
            FloatTails.squareDistance4(q, m4, o4, m5, o5, m6, o6, m7, o7, i, out, at + 4);
        }
    }

    /** Squared L2 distances from {@code q} to the four candidates at {@code at}, as {@link #dot4}. */
    static void squareDistance4(float[] q, MemorySegment[] segs, long[] offs, int at, float[] out) {
        int n = q.length;
        int i = 0;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            FloatVector d0 = x.sub(load(m0, o0 + d));
            FloatVector d1 = x.sub(load(m1, o1 + d));
            FloatVector d2 = x.sub(load(m2, o2 + d));
            FloatVector d3 = x.sub(load(m3, o3 + d));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
        }
        out[at] = s0.reduceLanes(VectorOperators.ADD);
        out[at + 1] = s1.reduceLanes(VectorOperators.ADD);
        out[at + 2] = s2.reduceLanes(VectorOperators.ADD);
        out[at + 3] = s3.reduceLanes(VectorOperators.ADD);
        if (i < n) {
            FloatTails.squareDistance4(q, m0, o0, m1, o1, m2, o2, m3, o3, i, out, at);
        }
    }
    /**
     * Dot products of {@code q} with the first {@code count} (2 or 3) candidates, scored as a group of four with the
     * last candidate in the places past it (its repeat's result is dropped): their loads are then in flight together,
     * where one candidate at a time waits for each one's misses in turn. Whole steps only ({@code q.length} a
     * multiple of the lanes, as padded records are).
     */
    static void dot4Padded(float[] q, MemorySegment[] segs, long[] offs, int count, float[] out) {
        int n = q.length;
        int last = count - 1;
        MemorySegment m0 = segs[0], m1 = segs[1], m2 = segs[last], m3 = segs[last];
        long o0 = offs[0], o1 = offs[1], o2 = offs[last], o3 = offs[last];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            s0 = fma(x, load(m0, o0 + d), s0);
            s1 = fma(x, load(m1, o1 + d), s1);
            s2 = fma(x, load(m2, o2 + d), s2);
            s3 = fma(x, load(m3, o3 + d), s3);
        }
        out[0] = s0.reduceLanes(VectorOperators.ADD);
        out[1] = s1.reduceLanes(VectorOperators.ADD);
        if (count > 2) {
            out[2] = s2.reduceLanes(VectorOperators.ADD);
        }
    }

    /** Dot products with the first {@code count} (5 to 7) candidates as a group of eight, as {@link #dot4Padded}. */
    static void dot8Padded(float[] q, MemorySegment[] segs, long[] offs, int count, float[] out) {
        int n = q.length;
        int last = count - 1;
        int i5 = Math.min(5, last);
        int i6 = Math.min(6, last);
        MemorySegment m0 = segs[0], m1 = segs[1], m2 = segs[2], m3 = segs[3];
        MemorySegment m4 = segs[4], m5 = segs[i5], m6 = segs[i6], m7 = segs[last];
        long o0 = offs[0], o1 = offs[1], o2 = offs[2], o3 = offs[3];
        long o4 = offs[4], o5 = offs[i5], o6 = offs[i6], o7 = offs[last];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int i = 0; i < n; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            s0 = fma(x, load(m0, o0 + d), s0);
            s1 = fma(x, load(m1, o1 + d), s1);
            s2 = fma(x, load(m2, o2 + d), s2);
            s3 = fma(x, load(m3, o3 + d), s3);
            s4 = fma(x, load(m4, o4 + d), s4);
            s5 = fma(x, load(m5, o5 + d), s5);
            s6 = fma(x, load(m6, o6 + d), s6);
            s7 = fma(x, load(m7, o7 + d), s7);
        }
        out[0] = s0.reduceLanes(VectorOperators.ADD);
        out[1] = s1.reduceLanes(VectorOperators.ADD);
        out[2] = s2.reduceLanes(VectorOperators.ADD);
        out[3] = s3.reduceLanes(VectorOperators.ADD);
        out[4] = s4.reduceLanes(VectorOperators.ADD);
        if (count > 5) {
            out[5] = s5.reduceLanes(VectorOperators.ADD);
        }
        if (count > 6) {
            out[6] = s6.reduceLanes(VectorOperators.ADD);
        }
    }
    /** Squared L2 distances to the first {@code count} (2 or 3) candidates, as {@link #dot4Padded}. */
    static void squareDistance4Padded(float[] q, MemorySegment[] segs, long[] offs, int count, float[] out) {
        int n = q.length;
        int last = count - 1;
        MemorySegment m0 = segs[0], m1 = segs[1], m2 = segs[last], m3 = segs[last];
        long o0 = offs[0], o1 = offs[1], o2 = offs[last], o3 = offs[last];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            FloatVector d0 = x.sub(load(m0, o0 + d));
            FloatVector d1 = x.sub(load(m1, o1 + d));
            FloatVector d2 = x.sub(load(m2, o2 + d));
            FloatVector d3 = x.sub(load(m3, o3 + d));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
        }
        out[0] = s0.reduceLanes(VectorOperators.ADD);
        out[1] = s1.reduceLanes(VectorOperators.ADD);
        if (count > 2) {
            out[2] = s2.reduceLanes(VectorOperators.ADD);
        }
    }

    /** Squared L2 distances to the first {@code count} (5 to 7) candidates, as {@link #dot4Padded}. */
    static void squareDistance8Padded(float[] q, MemorySegment[] segs, long[] offs, int count, float[] out) {
        int n = q.length;
        int last = count - 1;
        int i5 = Math.min(5, last);
        int i6 = Math.min(6, last);
        MemorySegment m0 = segs[0], m1 = segs[1], m2 = segs[2], m3 = segs[3];
        MemorySegment m4 = segs[4], m5 = segs[i5], m6 = segs[i6], m7 = segs[last];
        long o0 = offs[0], o1 = offs[1], o2 = offs[2], o3 = offs[3];
        long o4 = offs[4], o5 = offs[i5], o6 = offs[i6], o7 = offs[last];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int i = 0; i < n; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(F, q, i);
            FloatVector d0 = x.sub(load(m0, o0 + d));
            FloatVector d1 = x.sub(load(m1, o1 + d));
            FloatVector d2 = x.sub(load(m2, o2 + d));
            FloatVector d3 = x.sub(load(m3, o3 + d));
            FloatVector d4 = x.sub(load(m4, o4 + d));
            FloatVector d5 = x.sub(load(m5, o5 + d));
            FloatVector d6 = x.sub(load(m6, o6 + d));
            FloatVector d7 = x.sub(load(m7, o7 + d));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
            s4 = fma(d4, d4, s4);
            s5 = fma(d5, d5, s5);
            s6 = fma(d6, d6, s6);
            s7 = fma(d7, d7, s7);
        }
        out[0] = s0.reduceLanes(VectorOperators.ADD);
        out[1] = s1.reduceLanes(VectorOperators.ADD);
        out[2] = s2.reduceLanes(VectorOperators.ADD);
        out[3] = s3.reduceLanes(VectorOperators.ADD);
        out[4] = s4.reduceLanes(VectorOperators.ADD);
        if (count > 5) {
            out[5] = s5.reduceLanes(VectorOperators.ADD);
        }
        if (count > 6) {
            out[6] = s6.reduceLanes(VectorOperators.ADD);
        }
    }
}
