package dev.quiver.simd;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API. Loaded only by name from {@link KernelSelector}, so this class and the
 * Vector API classes it links against are never touched when jdk.incubator.vector is absent.
 *
 * <p>Shape of every single-candidate float kernel: a main loop over four vectors per step into four independent
 * accumulators (an FMA has 4 cycles of latency and modern cores start two per cycle, so one accumulator would leave the
 * units mostly idle), then a one-vector loop, then the last {@code < lanes} elements (for float query x segment:
 * 128-bit steps then scalar, {@link FloatTails}; elsewhere scalar). The bulk kernels score several candidates per
 * pass, one accumulator each ({@link FloatGroupKernels}, {@link U8GroupKernels}). Species are {@code static final}
 * (and shared with those classes): a species the JIT cannot see as a constant defeats intrinsification.
 *
 * <p>The u8 kernels bring code bytes into int lanes (see the notes above {@code widen}) and accumulate squared
 * differences or products there. The final sum is bounded by {@link VectorOps#MAX_U8_DIMENSION} terms of at most
 * 255², below 2^31; the packed query x segment kernels let their accumulators wrap on the way and still end exact
 * (see "Packed sums" below).
 *
 * <p>Why this class stays over the project's ~600-line bound: every kernel is hand-unrolled for the reason above, once
 * per metric and per operand kind (array or segment); folding them behind a shared loop would take the species and the
 * accumulator count out of the JIT's sight, which is what the unrolling is for.
 */
final class PanamaKernels implements DistanceKernels {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int FL = F.length();

    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int IL = I.length();
    /** Bytes that widen to exactly one int vector: 16 bytes for 512-bit ints, 8 for 256-bit. */
    static final VectorSpecies<Byte> B =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, IL * Byte.SIZE)));
    /** A full vector of bytes, viewed as {@code IL} int lanes of four packed codes each. */
    static final VectorSpecies<Byte> BP = VectorSpecies.of(byte.class, I.vectorShape());
    static final int BPL = BP.length();
    /** No byte species is narrower than 64 bits: with 128-bit vectors (4 ints) the u8 kernels stay scalar. */
    private static final boolean U8_SIMD = IL >= 8;

    // Cosine distances from dot products: doubles as wide as the preferred shape, and the floats they widen from.
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = D.length();
    private static final VectorSpecies<Float> FD =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** The low code of a short lane holding two. */
    static final short LOW_BYTE = 0xFF;

    private static final boolean FMA = CpuFeatures.hasFastFma();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarKernels SCALAR = ScalarKernels.INSTANCE;

    PanamaKernels() {
        if (FL < 2) {
            // A 1-lane "vector" would be the scalar path with extra overhead.
            throw new UnsupportedOperationException("no usable float vector species (lanes=" + FL + ")");
        }
    }

    @Override
    public String name() {
        return "panama-" + F.vectorBitSize();
    }

    /** {@code a * b + acc}, fused when the CPU has hardware FMA (folded by the JIT: FMA is a constant). */
    static FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
        return FMA ? a.fma(b, acc) : a.mul(b).add(acc);
    }

    /** Scalar {@code a * b + acc}, fused like the vector form (shared with {@link FloatTails}). */
    static float fma(float a, float b, float acc) {
        return FMA ? Math.fma(a, b, acc) : a * b + acc;
    }

    private static FloatVector load(MemorySegment s, long byteOffset) {
        return FloatVector.fromMemorySegment(F, s, byteOffset, LE);
    }

    private static float sum(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    // ---------------------------------------------------------------- float[] x float[]

    @Override
    public float dot(float[] a, float[] b) {
        int n = a.length;
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * FL); i < bound; i += 4 * FL) {
            s0 = fma(FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i), s0);
            s1 = fma(FloatVector.fromArray(F, a, i + FL), FloatVector.fromArray(F, b, i + FL), s1);
            s2 = fma(FloatVector.fromArray(F, a, i + 2 * FL), FloatVector.fromArray(F, b, i + 2 * FL), s2);
            s3 = fma(FloatVector.fromArray(F, a, i + 3 * FL), FloatVector.fromArray(F, b, i + 3 * FL), s3);
        }
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            s0 = fma(FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i), s0);
        }
        float sum = sum(s0, s1, s2, s3);
        for (; i < n; i++) {
            sum = fma(a[i], b[i], sum);
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        int n = a.length;
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * FL); i < bound; i += 4 * FL) {
            FloatVector d0 = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
            FloatVector d1 = FloatVector.fromArray(F, a, i + FL).sub(FloatVector.fromArray(F, b, i + FL));
            FloatVector d2 = FloatVector.fromArray(F, a, i + 2 * FL).sub(FloatVector.fromArray(F, b, i + 2 * FL));
            FloatVector d3 = FloatVector.fromArray(F, a, i + 3 * FL).sub(FloatVector.fromArray(F, b, i + 3 * FL));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
        }
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector d = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
            s0 = fma(d, d, s0);
        }
        float sum = sum(s0, s1, s2, s3);
        for (; i < n; i++) {
            float d = a[i] - b[i];
            sum = fma(d, d, sum);
        }
        return sum;
    }

    @Override
    public float cosineDistance(float[] a, float[] b) {
        int n = a.length;
        int i = 0;
        // Three sums, two accumulators each: six chains keep both FMA pipes busy without spilling registers.
        FloatVector ab0 = FloatVector.zero(F), ab1 = ab0, aa0 = ab0, aa1 = ab0, bb0 = ab0, bb1 = ab0;
        for (int bound = n & -(2 * FL); i < bound; i += 2 * FL) {
            FloatVector x0 = FloatVector.fromArray(F, a, i), y0 = FloatVector.fromArray(F, b, i);
            FloatVector x1 = FloatVector.fromArray(F, a, i + FL), y1 = FloatVector.fromArray(F, b, i + FL);
            ab0 = fma(x0, y0, ab0);
            aa0 = fma(x0, x0, aa0);
            bb0 = fma(y0, y0, bb0);
            ab1 = fma(x1, y1, ab1);
            aa1 = fma(x1, x1, aa1);
            bb1 = fma(y1, y1, bb1);
        }
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(F, a, i), y = FloatVector.fromArray(F, b, i);
            ab0 = fma(x, y, ab0);
            aa0 = fma(x, x, aa0);
            bb0 = fma(y, y, bb0);
        }
        float ab = ab0.add(ab1).reduceLanes(VectorOperators.ADD);
        float aa = aa0.add(aa1).reduceLanes(VectorOperators.ADD);
        float bb = bb0.add(bb1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            ab = fma(a[i], b[i], ab);
            aa = fma(a[i], a[i], aa);
            bb = fma(b[i], b[i], bb);
        }
        return Cosine.fromSquaredNorms(ab, aa, bb);
    }

    @Override
    public void cosineDistances(float[] dots, float qNorm, float[] norms, int count) {
        // Cosine.fromNorms lane by lane: the same double product, division, subtraction, clamp and float rounding, so
        // the same values (a NaN's payload aside); a zero stored norm (with a non-zero query) gives 1. The last
        // count % DL go one at a time, not as a masked step: the beam reads these results at once, and a masked store
        // did not forward to those loads (a fixed ~24 ns per call in CosineFromDotsBench, against 18-25 ns scalar
        // for 4-8 values).
        int i = 0;
        if (qNorm != 0f && DL >= 4) { // a zero query (every distance 0 or 1) goes the scalar way
            double qn = qNorm;
            for (; i + DL <= count; i += DL) {
                DoubleVector dot = (DoubleVector) FloatVector.fromArray(FD, dots, i).convertShape(F2D, D, 0);
                DoubleVector norm = (DoubleVector) FloatVector.fromArray(FD, norms, i).convertShape(F2D, D, 0);
                DoubleVector d = DoubleVector.broadcast(D, 1.0).sub(dot.div(norm.mul(qn)));
                d = d.blend(0.0, d.compare(VectorOperators.LT, 0.0))
                        .blend(2.0, d.compare(VectorOperators.GT, 2.0))
                        .blend(1.0, norm.compare(VectorOperators.EQ, 0.0));
                ((FloatVector) d.convertShape(D2F, FD, 0)).intoArray(dots, i);
            }
        }
        for (; i < count; i++) {
            dots[i] = Cosine.fromNorms(dots[i], qNorm, norms[i]);
        }
    }

    /**
     * A scan of whole lanes from the back, stopping at the first vector that holds a value {@code <= x} (sorted, so
     * those are a prefix of it): one compare and one popcount per 16 values, with no chain of dependent loads as in
     * a binary search (a beam pool's insert point, searched once per admitted candidate, was 15% of an in-cache
     * search's samples as a binary search). From the back, because the pool then moves the entries behind the insert
     * point: the scan costs what that move costs, not the whole pool. Equal to a linear count for sorted values
     * without NaN (distances of validated vectors); no count is defined for an unsorted prefix.
     */
    @Override
    public int countAtMost(float[] sorted, int n, float x) {
        int i = n;
        for (; i >= FL; i -= FL) {
            int atMost = FloatVector.fromArray(F, sorted, i - FL).compare(VectorOperators.LE, x).trueCount();
            if (atMost > 0) {
                return i - FL + atMost;
            }
        }
        while (i > 0 && !(sorted[i - 1] <= x)) {
            i--;
        }
        return i;
    }

    @Override
    public int quantizeU8(float[] v, float[] offsets, float invScale, byte[] out) {
        return U8Codec.quantize(v, offsets, invScale, out);
    }

    @Override
    public float residualSquaredU8(float[] v, float[] offsets, float scale, byte[] code) {
        return U8Codec.residualSquared(v, offsets, scale, code);
    }

    @Override
    public float normSquared(float[] a) {
        int n = a.length;
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * FL); i < bound; i += 4 * FL) {
            FloatVector x0 = FloatVector.fromArray(F, a, i);
            FloatVector x1 = FloatVector.fromArray(F, a, i + FL);
            FloatVector x2 = FloatVector.fromArray(F, a, i + 2 * FL);
            FloatVector x3 = FloatVector.fromArray(F, a, i + 3 * FL);
            s0 = fma(x0, x0, s0);
            s1 = fma(x1, x1, s1);
            s2 = fma(x2, x2, s2);
            s3 = fma(x3, x3, s3);
        }
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(F, a, i);
            s0 = fma(x, x, s0);
        }
        float sum = sum(s0, s1, s2, s3);
        for (; i < n; i++) {
            sum = fma(a[i], a[i], sum);
        }
        return sum;
    }

    // ---------------------------------------------------------------- float[] x MemorySegment

    @Override
    public float dot(float[] q, MemorySegment s, long byteOffset) {
        int n = q.length;
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * FL); i < bound; i += 4 * FL) {
            long off = byteOffset + (long) i * Float.BYTES;
            s0 = fma(FloatVector.fromArray(F, q, i), load(s, off), s0);
            s1 = fma(FloatVector.fromArray(F, q, i + FL), load(s, off + FL * Float.BYTES), s1);
            s2 = fma(FloatVector.fromArray(F, q, i + 2 * FL), load(s, off + 2 * FL * Float.BYTES), s2);
            s3 = fma(FloatVector.fromArray(F, q, i + 3 * FL), load(s, off + 3 * FL * Float.BYTES), s3);
        }
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            s0 = fma(FloatVector.fromArray(F, q, i), load(s, byteOffset + (long) i * Float.BYTES), s0);
        }
        float sum = sum(s0, s1, s2, s3);
        return i < n ? sum + FloatTails.dot(q, s, byteOffset, i) : sum;
    }

    @Override
    public float squareDistance(float[] q, MemorySegment s, long byteOffset) {
        int n = q.length;
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * FL); i < bound; i += 4 * FL) {
            long off = byteOffset + (long) i * Float.BYTES;
            FloatVector d0 = FloatVector.fromArray(F, q, i).sub(load(s, off));
            FloatVector d1 = FloatVector.fromArray(F, q, i + FL).sub(load(s, off + FL * Float.BYTES));
            FloatVector d2 = FloatVector.fromArray(F, q, i + 2 * FL).sub(load(s, off + 2 * FL * Float.BYTES));
            FloatVector d3 = FloatVector.fromArray(F, q, i + 3 * FL).sub(load(s, off + 3 * FL * Float.BYTES));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
        }
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector d = FloatVector.fromArray(F, q, i).sub(load(s, byteOffset + (long) i * Float.BYTES));
            s0 = fma(d, d, s0);
        }
        float sum = sum(s0, s1, s2, s3);
        return i < n ? sum + FloatTails.squareDistance(q, s, byteOffset, i) : sum;
    }

    @Override
    public float normSquared(MemorySegment s, long byteOffset, int dim) {
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = dim & -(4 * FL); i < bound; i += 4 * FL) {
            long off = byteOffset + (long) i * Float.BYTES;
            FloatVector x0 = load(s, off);
            FloatVector x1 = load(s, off + FL * Float.BYTES);
            FloatVector x2 = load(s, off + 2 * FL * Float.BYTES);
            FloatVector x3 = load(s, off + 3 * FL * Float.BYTES);
            s0 = fma(x0, x0, s0);
            s1 = fma(x1, x1, s1);
            s2 = fma(x2, x2, s2);
            s3 = fma(x3, x3, s3);
        }
        for (int bound = F.loopBound(dim); i < bound; i += FL) {
            FloatVector x = load(s, byteOffset + (long) i * Float.BYTES);
            s0 = fma(x, x, s0);
        }
        float sum = sum(s0, s1, s2, s3);
        for (; i < dim; i++) {
            float x = s.get(ScalarKernels.LE_FLOAT, byteOffset + (long) i * Float.BYTES);
            sum = fma(x, x, sum);
        }
        return sum;
    }

    // ---------------------------------------------------------------- bulk float

    // Eight candidates per pass, then four (FloatGroupKernels): the candidates' loads are independent, so their cache
    // misses overlap instead of queueing one vector after another. (Round seven measured a remainder of 1-7 after the
    // eights scored as an overlapping eight level with groups of four, bench/results/session7.md; round fifteen's
    // padded groups below, which take five to seven that way and two or three as one group, measured 3-9% less CPU
    // in one process, bench/results/session15.md.)
    @Override
    public void dotBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out) {
        // Two, three or five to seven candidates go as one padded group (the last one repeated) when the vectors are
        // whole steps, as padded records are: one at a time, or a group and then the rest, each waits for the misses
        // of the one before. Half of a hubness build's bulk calls score two, three or five to seven; with this, its
        // warm builds took 0.97x the CPU and its searches 0.96x (in-process ABBA, bench/results/session15.md).
        if (count < 8 && count != 4 && count > 1 && q.length % FL == 0) {
            if (count < 4) {
                FloatGroupKernels.dot4Padded(q, segs, byteOffsets, count, out);
            } else {
                FloatGroupKernels.dot8Padded(q, segs, byteOffsets, count, out);
            }
            return;
        }
        int c = 0;
        for (; c + 8 <= count; c += 8) {
            FloatGroupKernels.dot8(q, segs, byteOffsets, c, out);
        }
        if (c > 0 && count - c > 4) {
            // Five to seven left: the last eight again, one group in flight instead of two after each other.
            FloatGroupKernels.dot8(q, segs, byteOffsets, count - 8, out);
            return;
        }
        for (; c + 4 <= count; c += 4) {
            FloatGroupKernels.dot4(q, segs, byteOffsets, c, out);
        }
        if (c < count && count >= 4) {
            // The last four again, overlapping the group before: their loads overlap as a group's do, where one
            // candidate at a time would wait for each miss in turn. The recomputed ones come out the same (up to the
            // lane reduction's order, which differs between the interpreter and compiled code).
            FloatGroupKernels.dot4(q, segs, byteOffsets, count - 4, out);
            return;
        }
        for (; c < count; c++) {
            out[c] = dot(q, segs[c], byteOffsets[c]);
        }
    }

    @Override
    public void squareDistanceBulk(float[] q, MemorySegment[] segs, long[] byteOffsets, int count, float[] out) {
        if (count < 8 && count != 4 && count > 1 && q.length % FL == 0) { // as in dotBulk
            if (count < 4) {
                FloatGroupKernels.squareDistance4Padded(q, segs, byteOffsets, count, out);
            } else {
                FloatGroupKernels.squareDistance8Padded(q, segs, byteOffsets, count, out);
            }
            return;
        }
        int c = 0;
        for (; c + 8 <= count; c += 8) {
            FloatGroupKernels.squareDistance8(q, segs, byteOffsets, c, out);
        }
        if (c > 0 && count - c > 4) { // as in dotBulk
            FloatGroupKernels.squareDistance8(q, segs, byteOffsets, count - 8, out);
            return;
        }
        for (; c + 4 <= count; c += 4) {
            FloatGroupKernels.squareDistance4(q, segs, byteOffsets, c, out);
        }
        if (c < count && count >= 4) {
            // The last four again, as in dotBulk.
            FloatGroupKernels.squareDistance4(q, segs, byteOffsets, count - 4, out);
            return;
        }
        for (; c < count; c++) {
            out[c] = squareDistance(q, segs[c], byteOffsets[c]);
        }
    }

    // ---------------------------------------------------------------- u8 codes

    /*
     * Two ways to bring bytes into int lanes:
     *
     * Narrow: load intLanes bytes (16 for 512-bit ints) and zero-extend them (one vpmovzxbd). Fastest on heap arrays,
     * used for byte[] x byte[] and for the tails.
     *
     * Packed: load a full vector of bytes (64), view it as int lanes, and take byte k of every lane with a shift and
     * a mask. Both operands are loaded and unpacked the same way, so byte j of the query always meets byte j of the
     * candidate, which is all a sum over j needs. Used whenever a memory segment is read: it does a quarter of the
     * segment loads. Each segment vector load carries bounds, liveness and heap/native dispatch; when the JIT's
     * profile of that dispatch is not monomorphic (heap and native segments both seen, as in the tests) the narrow
     * form fell from 28-40 ns to 90-180 ns per 768-d code while the packed form stayed at 31-64 ns (AMD EPYC Zen 5,
     * JDK 25, noisy shared VM; bench/results/kernels.md).
     *
     * The packed loops are written out in full rather than through helper methods on purpose: a helper that returns a
     * vector gets compiled on its own when hot, and C2 then refuses to inline it ("already compiled into a big
     * method"), so every vector it returns is boxed on the heap; measured at 300+ ns instead of ~35 ns.
     */

    static IntVector widen(ByteVector bytes) {
        return (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    static IntVector u8(byte[] a, int i) {
        return widen(ByteVector.fromArray(B, a, i));
    }

    static IntVector u8(MemorySegment s, long byteOffset) {
        return widen(ByteVector.fromMemorySegment(B, s, byteOffset, LE));
    }

    private static int sum(IntVector a0, IntVector a1, IntVector a2, IntVector a3) {
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /*
     * Query x segment kernels (the walk's and the code scan's hot path): the packed form at 16-bit granularity. One
     * full byte vector per operand and step (64 codes at 512 bits) is viewed as short lanes of two codes each; a mask
     * and a logical shift give the even and the odd codes as unsigned shorts, multiplied there (vpmullw: one uop,
     * where the int lanes' vpmulld costs two and needs twice the unpacking). A product or squared difference of two
     * codes is at most 255^2 = 65025 < 2^16, exact as an unsigned short; each int lane of the product vector holds
     * two of them, lo + 2^16 hi. Both operands are unpacked alike, so code j of the query meets code j of the
     * candidate. Measured: a widening convertShape(B2S, part 1) instead of the mask and shift, behind small helper
     * methods, was 3-5x slower than the int form: written out in full, as the note above says.
     *
     * Packed sums: the int lanes are not split into their two halves. One accumulator adds whole lanes, which wraps
     * (sum lo + 2^16 sum hi, mod 2^32); another adds the high halves alone (sum hi, one shift per product vector).
     * The wanted sum lo + sum hi is then whole - 65535 * high = whole + high - (high << 16), exact in int arithmetic
     * because the true sum is below 2^31 (MAX_U8_DIMENSION), whatever wrapped on the way. That saves the mask and
     * one add per product vector. In Sq8KernelBench's bulk kernels with the codes in cache, that was 6-8% less time
     * per code for dot products and up to 6% for squared L2 at 128-768-d; a graph walk showed no reliable change
     * (bench/results/session9.md). Same results as the scalar kernels, bit for bit.
     */

    @Override
    public int squareDistanceU8(byte[] q, MemorySegment codes, long byteOffset) {
        if (!U8_SIMD) {
            return SCALAR.squareDistanceU8(q, codes, byteOffset);
        }
        int n = q.length;
        int i = 0;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -BPL; i < bound; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector cb = ByteVector.fromMemorySegment(BP, codes, byteOffset + i, LE).reinterpretAsShorts();
            ShortVector d0 = qb.and(LOW_BYTE).sub(cb.and(LOW_BYTE));
            ShortVector d1 = qb.lanewise(LSHR, 8).sub(cb.lanewise(LSHR, 8));
            IntVector p0 = d0.mul(d0).reinterpretAsInts();
            IntVector p1 = d1.mul(d1).reinterpretAsInts();
            s0 = s0.add(p0);
            s1 = s1.add(p1);
            s2 = s2.add(p0.lanewise(LSHR, 16));
            s3 = s3.add(p1.lanewise(LSHR, 16));
        }
        // s0 + s1 hold whole packed lanes (wrapped), s2 + s3 their high halves: see "Packed sums" above.
        IntVector high = s2.add(s3);
        IntVector acc = s0.add(s1).add(high).sub(high.lanewise(LSHL, 16));
        for (int bound = n & -IL; i < bound; i += IL) {
            IntVector d = u8(q, i).sub(u8(codes, byteOffset + i));
            acc = acc.add(d.mul(d));
        }
        int sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            int d = Byte.toUnsignedInt(q[i]) - Byte.toUnsignedInt(codes.get(JAVA_BYTE, byteOffset + i));
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dotU8(byte[] q, MemorySegment codes, long byteOffset) {
        if (!U8_SIMD) {
            return SCALAR.dotU8(q, codes, byteOffset);
        }
        int n = q.length;
        int i = 0;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -BPL; i < bound; i += BPL) {
            ShortVector qb = ByteVector.fromArray(BP, q, i).reinterpretAsShorts();
            ShortVector cb = ByteVector.fromMemorySegment(BP, codes, byteOffset + i, LE).reinterpretAsShorts();
            IntVector p0 = qb.and(LOW_BYTE).mul(cb.and(LOW_BYTE)).reinterpretAsInts();
            IntVector p1 = qb.lanewise(LSHR, 8).mul(cb.lanewise(LSHR, 8)).reinterpretAsInts();
            s0 = s0.add(p0);
            s1 = s1.add(p1);
            s2 = s2.add(p0.lanewise(LSHR, 16));
            s3 = s3.add(p1.lanewise(LSHR, 16));
        }
        // s0 + s1 hold whole packed lanes (wrapped), s2 + s3 their high halves: see "Packed sums" above.
        IntVector high = s2.add(s3);
        IntVector acc = s0.add(s1).add(high).sub(high.lanewise(LSHL, 16));
        for (int bound = n & -IL; i < bound; i += IL) {
            acc = acc.add(u8(q, i).mul(u8(codes, byteOffset + i)));
        }
        int sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Byte.toUnsignedInt(q[i]) * Byte.toUnsignedInt(codes.get(JAVA_BYTE, byteOffset + i));
        }
        return sum;
    }

    @Override
    public void squareDistanceU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out) {
        if (!U8_SIMD) {
            SCALAR.squareDistanceU8Bulk(q, segs, byteOffsets, count, out);
            return;
        }
        if ((count == 2 || count == 3) && q.length % BPL == 0) { // as in dotBulk
            U8GroupKernels.squareDistance4Padded(q, segs, byteOffsets, count, out);
            return;
        }
        int c = 0;
        if (U8GroupKernels.EIGHT_WIDE && q.length % BPL == 0) {
            for (; c + 8 <= count; c += 8) {
                U8GroupKernels.squareDistance8(q, segs, byteOffsets, c, out);
            }
            if (c > 0 && count - c > 4) { // as in dotBulk
                U8GroupKernels.squareDistance8(q, segs, byteOffsets, count - 8, out);
                return;
            }
        }
        for (; c + 4 <= count; c += 4) {
            U8GroupKernels.squareDistance4(q, segs, byteOffsets, c, out);
        }
        if (c < count && count >= 4) {
            // The last four again, as in dotBulk.
            U8GroupKernels.squareDistance4(q, segs, byteOffsets, count - 4, out);
            return;
        }
        for (; c < count; c++) {
            out[c] = squareDistanceU8(q, segs[c], byteOffsets[c]);
        }
    }

    @Override
    public void dotU8Bulk(byte[] q, MemorySegment[] segs, long[] byteOffsets, int count, int[] out) {
        if (!U8_SIMD) {
            SCALAR.dotU8Bulk(q, segs, byteOffsets, count, out);
            return;
        }
        if ((count == 2 || count == 3) && q.length % BPL == 0) { // as in dotBulk
            U8GroupKernels.dot4Padded(q, segs, byteOffsets, count, out);
            return;
        }
        int c = 0;
        if (U8GroupKernels.EIGHT_WIDE && q.length % BPL == 0) {
            for (; c + 8 <= count; c += 8) {
                U8GroupKernels.dot8(q, segs, byteOffsets, c, out);
            }
            if (c > 0 && count - c > 4) { // as in dotBulk
                U8GroupKernels.dot8(q, segs, byteOffsets, count - 8, out);
                return;
            }
        }
        for (; c + 4 <= count; c += 4) {
            U8GroupKernels.dot4(q, segs, byteOffsets, c, out);
        }
        if (c < count && count >= 4) {
            // The last four again, as in dotBulk.
            U8GroupKernels.dot4(q, segs, byteOffsets, count - 4, out);
            return;
        }
        for (; c < count; c++) {
            out[c] = dotU8(q, segs[c], byteOffsets[c]);
        }
    }

    // ---------------------------------------------------------------- u8 arrays

    @Override
    public int squareDistanceU8(byte[] a, byte[] b) {
        if (!U8_SIMD) {
            return SCALAR.squareDistanceU8(a, b);
        }
        int n = a.length;
        int i = 0;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * IL); i < bound; i += 4 * IL) {
            IntVector d0 = u8(a, i).sub(u8(b, i));
            IntVector d1 = u8(a, i + IL).sub(u8(b, i + IL));
            IntVector d2 = u8(a, i + 2 * IL).sub(u8(b, i + 2 * IL));
            IntVector d3 = u8(a, i + 3 * IL).sub(u8(b, i + 3 * IL));
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
            s2 = s2.add(d2.mul(d2));
            s3 = s3.add(d3.mul(d3));
        }
        for (int bound = n & -IL; i < bound; i += IL) {
            IntVector d = u8(a, i).sub(u8(b, i));
            s0 = s0.add(d.mul(d));
        }
        int sum = sum(s0, s1, s2, s3);
        for (; i < n; i++) {
            int d = Byte.toUnsignedInt(a[i]) - Byte.toUnsignedInt(b[i]);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dotU8(byte[] a, byte[] b) {
        if (!U8_SIMD) {
            return SCALAR.dotU8(a, b);
        }
        int n = a.length;
        int i = 0;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n & -(4 * IL); i < bound; i += 4 * IL) {
            s0 = s0.add(u8(a, i).mul(u8(b, i)));
            s1 = s1.add(u8(a, i + IL).mul(u8(b, i + IL)));
            s2 = s2.add(u8(a, i + 2 * IL).mul(u8(b, i + 2 * IL)));
            s3 = s3.add(u8(a, i + 3 * IL).mul(u8(b, i + 3 * IL)));
        }
        for (int bound = n & -IL; i < bound; i += IL) {
            s0 = s0.add(u8(a, i).mul(u8(b, i)));
        }
        int sum = sum(s0, s1, s2, s3);
        for (; i < n; i++) {
            sum += Byte.toUnsignedInt(a[i]) * Byte.toUnsignedInt(b[i]);
        }
        return sum;
    }
    // ---------------------------------------------------------------- segment x segment (stored vs stored)

    @Override
    public float dot(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = dim & -(4 * FL); i < bound; i += 4 * FL) {
            long d = (long) i * Float.BYTES;
            s0 = fma(load(a, aByteOffset + d), load(b, bByteOffset + d), s0);
            s1 = fma(load(a, aByteOffset + d + FL * Float.BYTES), load(b, bByteOffset + d + FL * Float.BYTES), s1);
            s2 = fma(load(a, aByteOffset + d + 2 * FL * Float.BYTES),
                    load(b, bByteOffset + d + 2 * FL * Float.BYTES), s2);
            s3 = fma(load(a, aByteOffset + d + 3 * FL * Float.BYTES),
                    load(b, bByteOffset + d + 3 * FL * Float.BYTES), s3);
        }
        for (int bound = F.loopBound(dim); i < bound; i += FL) {
            long d = (long) i * Float.BYTES;
            s0 = fma(load(a, aByteOffset + d), load(b, bByteOffset + d), s0);
        }
        float sum = sum(s0, s1, s2, s3);
        for (; i < dim; i++) {
            long d = (long) i * Float.BYTES;
            sum = fma(a.get(ScalarKernels.LE_FLOAT, aByteOffset + d), b.get(ScalarKernels.LE_FLOAT, bByteOffset + d),
                    sum);
        }
        return sum;
    }

    @Override
    public float squareDistance(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        int i = 0;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = dim & -(4 * FL); i < bound; i += 4 * FL) {
            long d = (long) i * Float.BYTES;
            FloatVector d0 = load(a, aByteOffset + d).sub(load(b, bByteOffset + d));
            FloatVector d1 = load(a, aByteOffset + d + FL * Float.BYTES)
                    .sub(load(b, bByteOffset + d + FL * Float.BYTES));
            FloatVector d2 = load(a, aByteOffset + d + 2 * FL * Float.BYTES)
                    .sub(load(b, bByteOffset + d + 2 * FL * Float.BYTES));
            FloatVector d3 = load(a, aByteOffset + d + 3 * FL * Float.BYTES)
                    .sub(load(b, bByteOffset + d + 3 * FL * Float.BYTES));
            s0 = fma(d0, d0, s0);
            s1 = fma(d1, d1, s1);
            s2 = fma(d2, d2, s2);
            s3 = fma(d3, d3, s3);
        }
        for (int bound = F.loopBound(dim); i < bound; i += FL) {
            long d = (long) i * Float.BYTES;
            FloatVector x = load(a, aByteOffset + d).sub(load(b, bByteOffset + d));
            s0 = fma(x, x, s0);
        }
        float sum = sum(s0, s1, s2, s3);
        for (; i < dim; i++) {
            long d = (long) i * Float.BYTES;
            float x = a.get(ScalarKernels.LE_FLOAT, aByteOffset + d) - b.get(ScalarKernels.LE_FLOAT, bByteOffset + d);
            sum = fma(x, x, sum);
        }
        return sum;
    }

    @Override
    public int squareDistanceU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        if (!U8_SIMD) {
            return SCALAR.squareDistanceU8(a, aByteOffset, b, bByteOffset, dim);
        }
        int i = 0;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = dim & -BPL; i < bound; i += BPL) {
            IntVector qp = ByteVector.fromMemorySegment(BP, a, aByteOffset + i, LE).reinterpretAsInts();
            IntVector cp = ByteVector.fromMemorySegment(BP, b, bByteOffset + i, LE).reinterpretAsInts();
            IntVector d0 = qp.and(0xFF).sub(cp.and(0xFF));
            IntVector d1 = qp.lanewise(LSHR, 8).and(0xFF).sub(cp.lanewise(LSHR, 8).and(0xFF));
            IntVector d2 = qp.lanewise(LSHR, 16).and(0xFF).sub(cp.lanewise(LSHR, 16).and(0xFF));
            IntVector d3 = qp.lanewise(LSHR, 24).sub(cp.lanewise(LSHR, 24));
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
            s2 = s2.add(d2.mul(d2));
            s3 = s3.add(d3.mul(d3));
        }
        for (int bound = dim & -IL; i < bound; i += IL) {
            IntVector d = u8(a, aByteOffset + i).sub(u8(b, bByteOffset + i));
            s0 = s0.add(d.mul(d));
        }
        int sum = sum(s0, s1, s2, s3);
        for (; i < dim; i++) {
            int d = Byte.toUnsignedInt(a.get(JAVA_BYTE, aByteOffset + i))
                    - Byte.toUnsignedInt(b.get(JAVA_BYTE, bByteOffset + i));
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dotU8(MemorySegment a, long aByteOffset, MemorySegment b, long bByteOffset, int dim) {
        if (!U8_SIMD) {
            return SCALAR.dotU8(a, aByteOffset, b, bByteOffset, dim);
        }
        int i = 0;
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = dim & -BPL; i < bound; i += BPL) {
            IntVector qp = ByteVector.fromMemorySegment(BP, a, aByteOffset + i, LE).reinterpretAsInts();
            IntVector cp = ByteVector.fromMemorySegment(BP, b, bByteOffset + i, LE).reinterpretAsInts();
            s0 = s0.add(qp.and(0xFF).mul(cp.and(0xFF)));
            s1 = s1.add(qp.lanewise(LSHR, 8).and(0xFF).mul(cp.lanewise(LSHR, 8).and(0xFF)));
            s2 = s2.add(qp.lanewise(LSHR, 16).and(0xFF).mul(cp.lanewise(LSHR, 16).and(0xFF)));
            s3 = s3.add(qp.lanewise(LSHR, 24).mul(cp.lanewise(LSHR, 24)));
        }
        for (int bound = dim & -IL; i < bound; i += IL) {
            s0 = s0.add(u8(a, aByteOffset + i).mul(u8(b, bByteOffset + i)));
        }
        int sum = sum(s0, s1, s2, s3);
        for (; i < dim; i++) {
            sum += Byte.toUnsignedInt(a.get(JAVA_BYTE, aByteOffset + i))
                    * Byte.toUnsignedInt(b.get(JAVA_BYTE, bByteOffset + i));
        }
        return sum;
    }
}
