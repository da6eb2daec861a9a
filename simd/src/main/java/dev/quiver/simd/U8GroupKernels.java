package dev.quiver.simd;

import static dev.quiver.simd.PanamaKernels.u8;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The group kernels behind {@link PanamaKernels}' u8 bulk distances (SQ8 codes): one query code against four or eight
 * stored codes per pass, as {@link FloatGroupKernels} does for floats, so the candidates' cache misses are in flight
 * together. The main loop is {@link PanamaKernels}' packed form (a full vector of code bytes viewed as int lanes, the
 * two codes of each short lane taken apart with a mask and a shift, see the notes above {@code widen} there; the
 * query's halves are taken apart once per step for the whole group); the four-wide kernels then take a tail with one
 * int vector of widened bytes per step, then scalar. Each candidate's product vectors go whole into one accumulator ({@code s}) and their high
 * halves into another ({@code h}), unpacked once at the end ("Packed sums" in {@link PanamaKernels}). Integer sums,
 * so a candidate's distance is exact in any group. The unpacking is written out per candidate on purpose: the same
 * three operations behind a small shared helper made u8DotBulk and u8SquareBulk 3.5x slower in Sq8KernelBench at
 * 384-d (about 60 against 17-20 ns per code, bench/results/session10.md); most likely C2 did not inline it into
 * these large methods and boxed the vectors (not verified).
 * Eight at a time cut the SQ8 walk's CPU per query by 8-15% at 100-d and 384-d against four (same-run A/B with
 * 512-bit vectors, bench/results/session7.md). That older eight-wide loop was 7-45% slower at 784-d, so codes over
 * 512 bytes went four at a time until the packed sums; the packed eight-wide loop is level with four-wide in cache
 * and 18-30% faster per code beyond it, from 768-d to 3,072-d (Sq8KernelBench), and the walk on fashion-mnist
 * (784-d) took 0.93x the CPU per query in ten of eleven alternating pairs (bench/results/session12.md; four harness
 * runs per width, noisier, neither confirmed nor refuted it). So every length goes eight at a time where int vectors
 * have 16 lanes ({@link #EIGHT_WIDE}), when the length is a whole number of packed steps ({@code BPL} bytes: 64
 * with 512-bit vectors, the length SQ8 codes are padded to); other lengths go four at a time, whose loops take the
 * tails.
 * The eight-wide methods hold only the whole-step loop: with its 16 accumulators, the query's halves and the
 * products live at once, C2 sometimes gave up on the method ("COMPILE SKIPPED: out of nodes during split (retry at
 * different tier)", depending on the type profiles it compiled against), and it then ran as C1 code, where the
 * Vector API is not intrinsified, for the life of the process: a default code scan on uniform 384-d data took 40-54
 * ms instead of about 1 ms per query, in 2 of 20 processes that built, saved and searched (none of 28 with this form,
 * bench/results/session14.md). The tails of odd lengths added two more loops with the same 16 live accumulators.
 * With 256-bit vectors (AVX2: 16 registers) every code goes four at a time: the eight-wide loop's 16 accumulators
 * plus the query's halves do not fit. In Sq8KernelBench at 128-d and 384-d it took 10-46% longer than the eight-wide
 * loop before the packed sums and 30-49% longer than the four-wide loop, which was level with that old loop on dot
 * products and 16-21% faster on squared L2 ({@code -XX:UseAVX=2} on an AVX-512 machine, bench/results/session9.md).
 * Walks were measured on AVX-512 only.
 *
 * <p>Used only when int vectors have at least eight lanes ({@code PanamaKernels.U8_SIMD}).
 */
final class U8GroupKernels {

    // PanamaKernels' species and constants, which it checks before calling here (int vectors of at least 8 lanes).
    private static final VectorSpecies<Integer> I = PanamaKernels.I;
    private static final int IL = PanamaKernels.IL;
    private static final VectorSpecies<Byte> BP = PanamaKernels.BP;
    private static final int BPL = PanamaKernels.BPL;
    private static final short LOW_BYTE = PanamaKernels.LOW_BYTE;
    private static final ByteOrder LE = PanamaKernels.LE;

    /** Whether codes are scored eight at a time: with 16 int lanes (512-bit vectors), see the class comment. */
    static final boolean EIGHT_WIDE = IL >= 16;

    private U8GroupKernels() {
    }

    /**
     * Dot products of {@code q} with the eight codes {@code segs/offs[at..at+7]} into {@code out[at..at+7]}; the
     * length of {@code q} must be a multiple of {@code BPL} (whole 512-bit steps, as SQ8 codes are padded): the
     * method holds the whole-step loop and nothing else (see "Eight at a time" in the class comment).
     */
    static void dot8(byte[] q, MemorySegment[] segs, long[] offs, int at, int[] out) {
        int n = q.length;
        assert n % BPL == 0 : "whole packed steps only: " + n;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        MemorySegment m4 = segs[at + 4], m5 = segs[at + 5], m6 = segs[at + 6], m7 = segs[at + 7];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        long o4 = offs[at + 4], o5 = offs[at + 5], o6 = offs[at + 6], o7 = offs[at + 7];
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        IntVector h0 = s0, h1 = s0, h2 = s0, h3 = s0, h4 = s0, h5 = s0, h6 = s0, h7 = s0;
        for (int i = 0; i < n; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector ql = qb.and(LOW_BYTE);
            ShortVector qh = qb.lanewise(LSHR, 8);
            ShortVector c0 = ByteVector.fromMemorySegment(BP, m0, o0 + i, LE).reinterpretAsShorts();
            IntVector p0 = ql.mul(c0.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r0 = qh.mul(c0.lanewise(LSHR, 8)).reinterpretAsInts();
            s0 = s0.add(p0).add(r0);
            h0 = h0.add(p0.lanewise(LSHR, 16)).add(r0.lanewise(LSHR, 16));
            ShortVector c1 = ByteVector.fromMemorySegment(BP, m1, o1 + i, LE).reinterpretAsShorts();
            IntVector p1 = ql.mul(c1.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r1 = qh.mul(c1.lanewise(LSHR, 8)).reinterpretAsInts();
            s1 = s1.add(p1).add(r1);
            h1 = h1.add(p1.lanewise(LSHR, 16)).add(r1.lanewise(LSHR, 16));
            ShortVector c2 = ByteVector.fromMemorySegment(BP, m2, o2 + i, LE).reinterpretAsShorts();
            IntVector p2 = ql.mul(c2.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r2 = qh.mul(c2.lanewise(LSHR, 8)).reinterpretAsInts();
            s2 = s2.add(p2).add(r2);
            h2 = h2.add(p2.lanewise(LSHR, 16)).add(r2.lanewise(LSHR, 16));
            ShortVector c3 = ByteVector.fromMemorySegment(BP, m3, o3 + i, LE).reinterpretAsShorts();
            IntVector p3 = ql.mul(c3.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r3 = qh.mul(c3.lanewise(LSHR, 8)).reinterpretAsInts();
            s3 = s3.add(p3).add(r3);
            h3 = h3.add(p3.lanewise(LSHR, 16)).add(r3.lanewise(LSHR, 16));
            ShortVector c4 = ByteVector.fromMemorySegment(BP, m4, o4 + i, LE).reinterpretAsShorts();
            IntVector p4 = ql.mul(c4.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r4 = qh.mul(c4.lanewise(LSHR, 8)).reinterpretAsInts();
            s4 = s4.add(p4).add(r4);
            h4 = h4.add(p4.lanewise(LSHR, 16)).add(r4.lanewise(LSHR, 16));
            ShortVector c5 = ByteVector.fromMemorySegment(BP, m5, o5 + i, LE).reinterpretAsShorts();
            IntVector p5 = ql.mul(c5.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r5 = qh.mul(c5.lanewise(LSHR, 8)).reinterpretAsInts();
            s5 = s5.add(p5).add(r5);
            h5 = h5.add(p5.lanewise(LSHR, 16)).add(r5.lanewise(LSHR, 16));
            ShortVector c6 = ByteVector.fromMemorySegment(BP, m6, o6 + i, LE).reinterpretAsShorts();
            IntVector p6 = ql.mul(c6.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r6 = qh.mul(c6.lanewise(LSHR, 8)).reinterpretAsInts();
            s6 = s6.add(p6).add(r6);
            h6 = h6.add(p6.lanewise(LSHR, 16)).add(r6.lanewise(LSHR, 16));
            ShortVector c7 = ByteVector.fromMemorySegment(BP, m7, o7 + i, LE).reinterpretAsShorts();
            IntVector p7 = ql.mul(c7.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r7 = qh.mul(c7.lanewise(LSHR, 8)).reinterpretAsInts();
            s7 = s7.add(p7).add(r7);
            h7 = h7.add(p7.lanewise(LSHR, 16)).add(r7.lanewise(LSHR, 16));
        }
        int r0 = s0.add(h0).sub(h0.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r1 = s1.add(h1).sub(h1.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r2 = s2.add(h2).sub(h2.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r3 = s3.add(h3).sub(h3.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r4 = s4.add(h4).sub(h4.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r5 = s5.add(h5).sub(h5.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r6 = s6.add(h6).sub(h6.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r7 = s7.add(h7).sub(h7.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        out[at] = r0;
        out[at + 1] = r1;
        out[at + 2] = r2;
        out[at + 3] = r3;
        out[at + 4] = r4;
        out[at + 5] = r5;
        out[at + 6] = r6;
        out[at + 7] = r7;
    }

    /** Dot products of {@code q} with the four codes {@code segs/offs[at..at+3]} into {@code out[at..at+3]}. */
    static void dot4(byte[] q, MemorySegment[] segs, long[] offs, int at, int[] out) {
        int n = q.length;
        int i = 0;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        IntVector h0 = s0, h1 = s0, h2 = s0, h3 = s0;
        for (int bound = n & -BPL; i < bound; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector ql = qb.and(LOW_BYTE);
            ShortVector qh = qb.lanewise(LSHR, 8);
            ShortVector c0 = ByteVector.fromMemorySegment(BP, m0, o0 + i, LE).reinterpretAsShorts();
            IntVector p0 = ql.mul(c0.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r0 = qh.mul(c0.lanewise(LSHR, 8)).reinterpretAsInts();
            s0 = s0.add(p0).add(r0);
            h0 = h0.add(p0.lanewise(LSHR, 16)).add(r0.lanewise(LSHR, 16));
            ShortVector c1 = ByteVector.fromMemorySegment(BP, m1, o1 + i, LE).reinterpretAsShorts();
            IntVector p1 = ql.mul(c1.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r1 = qh.mul(c1.lanewise(LSHR, 8)).reinterpretAsInts();
            s1 = s1.add(p1).add(r1);
            h1 = h1.add(p1.lanewise(LSHR, 16)).add(r1.lanewise(LSHR, 16));
            ShortVector c2 = ByteVector.fromMemorySegment(BP, m2, o2 + i, LE).reinterpretAsShorts();
            IntVector p2 = ql.mul(c2.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r2 = qh.mul(c2.lanewise(LSHR, 8)).reinterpretAsInts();
            s2 = s2.add(p2).add(r2);
            h2 = h2.add(p2.lanewise(LSHR, 16)).add(r2.lanewise(LSHR, 16));
            ShortVector c3 = ByteVector.fromMemorySegment(BP, m3, o3 + i, LE).reinterpretAsShorts();
            IntVector p3 = ql.mul(c3.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r3 = qh.mul(c3.lanewise(LSHR, 8)).reinterpretAsInts();
            s3 = s3.add(p3).add(r3);
            h3 = h3.add(p3.lanewise(LSHR, 16)).add(r3.lanewise(LSHR, 16));
        }
        for (int bound = n & -IL; i < bound; i += IL) {
            IntVector x = u8(q, i);
            s0 = s0.add(x.mul(u8(m0, o0 + i)));
            s1 = s1.add(x.mul(u8(m1, o1 + i)));
            s2 = s2.add(x.mul(u8(m2, o2 + i)));
            s3 = s3.add(x.mul(u8(m3, o3 + i)));
        }
        int r0 = s0.add(h0).sub(h0.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r1 = s1.add(h1).sub(h1.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r2 = s2.add(h2).sub(h2.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r3 = s3.add(h3).sub(h3.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            int x = Byte.toUnsignedInt(q[i]);
            r0 += x * Byte.toUnsignedInt(m0.get(JAVA_BYTE, o0 + i));
            r1 += x * Byte.toUnsignedInt(m1.get(JAVA_BYTE, o1 + i));
            r2 += x * Byte.toUnsignedInt(m2.get(JAVA_BYTE, o2 + i));
            r3 += x * Byte.toUnsignedInt(m3.get(JAVA_BYTE, o3 + i));
        }
        out[at] = r0;
        out[at + 1] = r1;
        out[at + 2] = r2;
        out[at + 3] = r3;
    }

    /** Squared L2 distances from {@code q} to the eight codes at {@code at}, as {@link #dot8}. */
    static void squareDistance8(byte[] q, MemorySegment[] segs, long[] offs, int at, int[] out) {
        int n = q.length;
        assert n % BPL == 0 : "whole packed steps only: " + n;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        MemorySegment m4 = segs[at + 4], m5 = segs[at + 5], m6 = segs[at + 6], m7 = segs[at + 7];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        long o4 = offs[at + 4], o5 = offs[at + 5], o6 = offs[at + 6], o7 = offs[at + 7];
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        IntVector h0 = s0, h1 = s0, h2 = s0, h3 = s0, h4 = s0, h5 = s0, h6 = s0, h7 = s0;
        for (int i = 0; i < n; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector ql = qb.and(LOW_BYTE);
            ShortVector qh = qb.lanewise(LSHR, 8);
            ShortVector c0 = ByteVector.fromMemorySegment(BP, m0, o0 + i, LE).reinterpretAsShorts();
            ShortVector e0 = ql.sub(c0.and(LOW_BYTE));
            ShortVector f0 = qh.sub(c0.lanewise(LSHR, 8));
            IntVector p0 = e0.mul(e0).reinterpretAsInts();
            IntVector r0 = f0.mul(f0).reinterpretAsInts();
            s0 = s0.add(p0).add(r0);
            h0 = h0.add(p0.lanewise(LSHR, 16)).add(r0.lanewise(LSHR, 16));
            ShortVector c1 = ByteVector.fromMemorySegment(BP, m1, o1 + i, LE).reinterpretAsShorts();
            ShortVector e1 = ql.sub(c1.and(LOW_BYTE));
            ShortVector f1 = qh.sub(c1.lanewise(LSHR, 8));
            IntVector p1 = e1.mul(e1).reinterpretAsInts();
            IntVector r1 = f1.mul(f1).reinterpretAsInts();
            s1 = s1.add(p1).add(r1);
            h1 = h1.add(p1.lanewise(LSHR, 16)).add(r1.lanewise(LSHR, 16));
            ShortVector c2 = ByteVector.fromMemorySegment(BP, m2, o2 + i, LE).reinterpretAsShorts();
            ShortVector e2 = ql.sub(c2.and(LOW_BYTE));
            ShortVector f2 = qh.sub(c2.lanewise(LSHR, 8));
            IntVector p2 = e2.mul(e2).reinterpretAsInts();
            IntVector r2 = f2.mul(f2).reinterpretAsInts();
            s2 = s2.add(p2).add(r2);
            h2 = h2.add(p2.lanewise(LSHR, 16)).add(r2.lanewise(LSHR, 16));
            ShortVector c3 = ByteVector.fromMemorySegment(BP, m3, o3 + i, LE).reinterpretAsShorts();
            ShortVector e3 = ql.sub(c3.and(LOW_BYTE));
            ShortVector f3 = qh.sub(c3.lanewise(LSHR, 8));
            IntVector p3 = e3.mul(e3).reinterpretAsInts();
            IntVector r3 = f3.mul(f3).reinterpretAsInts();
            s3 = s3.add(p3).add(r3);
            h3 = h3.add(p3.lanewise(LSHR, 16)).add(r3.lanewise(LSHR, 16));
            ShortVector c4 = ByteVector.fromMemorySegment(BP, m4, o4 + i, LE).reinterpretAsShorts();
            ShortVector e4 = ql.sub(c4.and(LOW_BYTE));
            ShortVector f4 = qh.sub(c4.lanewise(LSHR, 8));
            IntVector p4 = e4.mul(e4).reinterpretAsInts();
            IntVector r4 = f4.mul(f4).reinterpretAsInts();
            s4 = s4.add(p4).add(r4);
            h4 = h4.add(p4.lanewise(LSHR, 16)).add(r4.lanewise(LSHR, 16));
            ShortVector c5 = ByteVector.fromMemorySegment(BP, m5, o5 + i, LE).reinterpretAsShorts();
            ShortVector e5 = ql.sub(c5.and(LOW_BYTE));
            ShortVector f5 = qh.sub(c5.lanewise(LSHR, 8));
            IntVector p5 = e5.mul(e5).reinterpretAsInts();
            IntVector r5 = f5.mul(f5).reinterpretAsInts();
            s5 = s5.add(p5).add(r5);
            h5 = h5.add(p5.lanewise(LSHR, 16)).add(r5.lanewise(LSHR, 16));
            ShortVector c6 = ByteVector.fromMemorySegment(BP, m6, o6 + i, LE).reinterpretAsShorts();
            ShortVector e6 = ql.sub(c6.and(LOW_BYTE));
            ShortVector f6 = qh.sub(c6.lanewise(LSHR, 8));
            IntVector p6 = e6.mul(e6).reinterpretAsInts();
            IntVector r6 = f6.mul(f6).reinterpretAsInts();
            s6 = s6.add(p6).add(r6);
            h6 = h6.add(p6.lanewise(LSHR, 16)).add(r6.lanewise(LSHR, 16));
            ShortVector c7 = ByteVector.fromMemorySegment(BP, m7, o7 + i, LE).reinterpretAsShorts();
            ShortVector e7 = ql.sub(c7.and(LOW_BYTE));
            ShortVector f7 = qh.sub(c7.lanewise(LSHR, 8));
            IntVector p7 = e7.mul(e7).reinterpretAsInts();
            IntVector r7 = f7.mul(f7).reinterpretAsInts();
            s7 = s7.add(p7).add(r7);
            h7 = h7.add(p7.lanewise(LSHR, 16)).add(r7.lanewise(LSHR, 16));
        }
        int r0 = s0.add(h0).sub(h0.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r1 = s1.add(h1).sub(h1.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r2 = s2.add(h2).sub(h2.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r3 = s3.add(h3).sub(h3.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r4 = s4.add(h4).sub(h4.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r5 = s5.add(h5).sub(h5.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r6 = s6.add(h6).sub(h6.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r7 = s7.add(h7).sub(h7.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        out[at] = r0;
        out[at + 1] = r1;
        out[at + 2] = r2;
        out[at + 3] = r3;
        out[at + 4] = r4;
        out[at + 5] = r5;
        out[at + 6] = r6;
        out[at + 7] = r7;
    }

    /** Squared L2 distances from {@code q} to the four codes at {@code at}, as {@link #dot4}. */
    static void squareDistance4(byte[] q, MemorySegment[] segs, long[] offs, int at, int[] out) {
        int n = q.length;
        int i = 0;
        MemorySegment m0 = segs[at], m1 = segs[at + 1], m2 = segs[at + 2], m3 = segs[at + 3];
        long o0 = offs[at], o1 = offs[at + 1], o2 = offs[at + 2], o3 = offs[at + 3];
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        IntVector h0 = s0, h1 = s0, h2 = s0, h3 = s0;
        for (int bound = n & -BPL; i < bound; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector ql = qb.and(LOW_BYTE);
            ShortVector qh = qb.lanewise(LSHR, 8);
            ShortVector c0 = ByteVector.fromMemorySegment(BP, m0, o0 + i, LE).reinterpretAsShorts();
            ShortVector e0 = ql.sub(c0.and(LOW_BYTE));
            ShortVector f0 = qh.sub(c0.lanewise(LSHR, 8));
            IntVector p0 = e0.mul(e0).reinterpretAsInts();
            IntVector r0 = f0.mul(f0).reinterpretAsInts();
            s0 = s0.add(p0).add(r0);
            h0 = h0.add(p0.lanewise(LSHR, 16)).add(r0.lanewise(LSHR, 16));
            ShortVector c1 = ByteVector.fromMemorySegment(BP, m1, o1 + i, LE).reinterpretAsShorts();
            ShortVector e1 = ql.sub(c1.and(LOW_BYTE));
            ShortVector f1 = qh.sub(c1.lanewise(LSHR, 8));
            IntVector p1 = e1.mul(e1).reinterpretAsInts();
            IntVector r1 = f1.mul(f1).reinterpretAsInts();
            s1 = s1.add(p1).add(r1);
            h1 = h1.add(p1.lanewise(LSHR, 16)).add(r1.lanewise(LSHR, 16));
            ShortVector c2 = ByteVector.fromMemorySegment(BP, m2, o2 + i, LE).reinterpretAsShorts();
            ShortVector e2 = ql.sub(c2.and(LOW_BYTE));
            ShortVector f2 = qh.sub(c2.lanewise(LSHR, 8));
            IntVector p2 = e2.mul(e2).reinterpretAsInts();
            IntVector r2 = f2.mul(f2).reinterpretAsInts();
            s2 = s2.add(p2).add(r2);
            h2 = h2.add(p2.lanewise(LSHR, 16)).add(r2.lanewise(LSHR, 16));
            ShortVector c3 = ByteVector.fromMemorySegment(BP, m3, o3 + i, LE).reinterpretAsShorts();
            ShortVector e3 = ql.sub(c3.and(LOW_BYTE));
            ShortVector f3 = qh.sub(c3.lanewise(LSHR, 8));
            IntVector p3 = e3.mul(e3).reinterpretAsInts();
            IntVector r3 = f3.mul(f3).reinterpretAsInts();
            s3 = s3.add(p3).add(r3);
            h3 = h3.add(p3.lanewise(LSHR, 16)).add(r3.lanewise(LSHR, 16));
        }
        for (int bound = n & -IL; i < bound; i += IL) {
            IntVector x = u8(q, i);
            IntVector d0 = x.sub(u8(m0, o0 + i));
            s0 = s0.add(d0.mul(d0));
            IntVector d1 = x.sub(u8(m1, o1 + i));
            s1 = s1.add(d1.mul(d1));
            IntVector d2 = x.sub(u8(m2, o2 + i));
            s2 = s2.add(d2.mul(d2));
            IntVector d3 = x.sub(u8(m3, o3 + i));
            s3 = s3.add(d3.mul(d3));
        }
        int r0 = s0.add(h0).sub(h0.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r1 = s1.add(h1).sub(h1.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r2 = s2.add(h2).sub(h2.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        int r3 = s3.add(h3).sub(h3.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            int x = Byte.toUnsignedInt(q[i]);
            int d0 = x - Byte.toUnsignedInt(m0.get(JAVA_BYTE, o0 + i));
            r0 += d0 * d0;
            int d1 = x - Byte.toUnsignedInt(m1.get(JAVA_BYTE, o1 + i));
            r1 += d1 * d1;
            int d2 = x - Byte.toUnsignedInt(m2.get(JAVA_BYTE, o2 + i));
            r2 += d2 * d2;
            int d3 = x - Byte.toUnsignedInt(m3.get(JAVA_BYTE, o3 + i));
            r3 += d3 * d3;
        }
        out[at] = r0;
        out[at + 1] = r1;
        out[at + 2] = r2;
        out[at + 3] = r3;
    }
    /**
     * Dot products of {@code q} with the first {@code count} (2 or 3) codes as a group of four, the last code in the
     * places past it, so their loads are in flight together (see the float kernels' {@code dot4Padded}). Whole packed
     * steps only, as {@link #dot8}.
     */
    static void dot4Padded(byte[] q, MemorySegment[] segs, long[] offs, int count, int[] out) {
        int n = q.length;
        assert n % BPL == 0 : "whole packed steps only: " + n;
        int last = count - 1;
        MemorySegment m0 = segs[0], m1 = segs[1], m2 = segs[last], m3 = segs[last];
        long o0 = offs[0], o1 = offs[1], o2 = offs[last], o3 = offs[last];
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        IntVector h0 = s0, h1 = s0, h2 = s0, h3 = s0;
        for (int i = 0; i < n; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector ql = qb.and(LOW_BYTE);
            ShortVector qh = qb.lanewise(LSHR, 8);
            ShortVector c0 = ByteVector.fromMemorySegment(BP, m0, o0 + i, LE).reinterpretAsShorts();
            IntVector p0 = ql.mul(c0.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r0 = qh.mul(c0.lanewise(LSHR, 8)).reinterpretAsInts();
            s0 = s0.add(p0).add(r0);
            h0 = h0.add(p0.lanewise(LSHR, 16)).add(r0.lanewise(LSHR, 16));
            ShortVector c1 = ByteVector.fromMemorySegment(BP, m1, o1 + i, LE).reinterpretAsShorts();
            IntVector p1 = ql.mul(c1.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r1 = qh.mul(c1.lanewise(LSHR, 8)).reinterpretAsInts();
            s1 = s1.add(p1).add(r1);
            h1 = h1.add(p1.lanewise(LSHR, 16)).add(r1.lanewise(LSHR, 16));
            ShortVector c2 = ByteVector.fromMemorySegment(BP, m2, o2 + i, LE).reinterpretAsShorts();
            IntVector p2 = ql.mul(c2.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r2 = qh.mul(c2.lanewise(LSHR, 8)).reinterpretAsInts();
            s2 = s2.add(p2).add(r2);
            h2 = h2.add(p2.lanewise(LSHR, 16)).add(r2.lanewise(LSHR, 16));
            ShortVector c3 = ByteVector.fromMemorySegment(BP, m3, o3 + i, LE).reinterpretAsShorts();
            IntVector p3 = ql.mul(c3.and(LOW_BYTE)).reinterpretAsInts();
            IntVector r3 = qh.mul(c3.lanewise(LSHR, 8)).reinterpretAsInts();
            s3 = s3.add(p3).add(r3);
            h3 = h3.add(p3.lanewise(LSHR, 16)).add(r3.lanewise(LSHR, 16));
        }
        out[0] = s0.add(h0).sub(h0.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        out[1] = s1.add(h1).sub(h1.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        if (count > 2) {
            out[2] = s2.add(h2).sub(h2.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        }
    }

    /** Squared L2 distances to the first {@code count} (2 or 3) codes, as {@link #dot4Padded}. */
    static void squareDistance4Padded(byte[] q, MemorySegment[] segs, long[] offs, int count, int[] out) {
        int n = q.length;
        assert n % BPL == 0 : "whole packed steps only: " + n;
        int last = count - 1;
        MemorySegment m0 = segs[0], m1 = segs[1], m2 = segs[last], m3 = segs[last];
        long o0 = offs[0], o1 = offs[1], o2 = offs[last], o3 = offs[last];
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        IntVector h0 = s0, h1 = s0, h2 = s0, h3 = s0;
        for (int i = 0; i < n; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector ql = qb.and(LOW_BYTE);
            ShortVector qh = qb.lanewise(LSHR, 8);
            ShortVector c0 = ByteVector.fromMemorySegment(BP, m0, o0 + i, LE).reinterpretAsShorts();
            ShortVector e0 = ql.sub(c0.and(LOW_BYTE));
            ShortVector f0 = qh.sub(c0.lanewise(LSHR, 8));
            IntVector p0 = e0.mul(e0).reinterpretAsInts();
            IntVector r0 = f0.mul(f0).reinterpretAsInts();
            s0 = s0.add(p0).add(r0);
            h0 = h0.add(p0.lanewise(LSHR, 16)).add(r0.lanewise(LSHR, 16));
            ShortVector c1 = ByteVector.fromMemorySegment(BP, m1, o1 + i, LE).reinterpretAsShorts();
            ShortVector e1 = ql.sub(c1.and(LOW_BYTE));
            ShortVector f1 = qh.sub(c1.lanewise(LSHR, 8));
            IntVector p1 = e1.mul(e1).reinterpretAsInts();
            IntVector r1 = f1.mul(f1).reinterpretAsInts();
            s1 = s1.add(p1).add(r1);
            h1 = h1.add(p1.lanewise(LSHR, 16)).add(r1.lanewise(LSHR, 16));
            ShortVector c2 = ByteVector.fromMemorySegment(BP, m2, o2 + i, LE).reinterpretAsShorts();
            ShortVector e2 = ql.sub(c2.and(LOW_BYTE));
            ShortVector f2 = qh.sub(c2.lanewise(LSHR, 8));
            IntVector p2 = e2.mul(e2).reinterpretAsInts();
            IntVector r2 = f2.mul(f2).reinterpretAsInts();
            s2 = s2.add(p2).add(r2);
            h2 = h2.add(p2.lanewise(LSHR, 16)).add(r2.lanewise(LSHR, 16));
            ShortVector c3 = ByteVector.fromMemorySegment(BP, m3, o3 + i, LE).reinterpretAsShorts();
            ShortVector e3 = ql.sub(c3.and(LOW_BYTE));
            ShortVector f3 = qh.sub(c3.lanewise(LSHR, 8));
            IntVector p3 = e3.mul(e3).reinterpretAsInts();
            IntVector r3 = f3.mul(f3).reinterpretAsInts();
            s3 = s3.add(p3).add(r3);
            h3 = h3.add(p3.lanewise(LSHR, 16)).add(r3.lanewise(LSHR, 16));
        }
        out[0] = s0.add(h0).sub(h0.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        out[1] = s1.add(h1).sub(h1.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        if (count > 2) {
            out[2] = s2.add(h2).sub(h2.lanewise(LSHL, 16)).reduceLanes(VectorOperators.ADD);
        }
    }
}
