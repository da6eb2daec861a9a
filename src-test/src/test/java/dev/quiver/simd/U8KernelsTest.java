package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The SQ8 kernels are integer arithmetic: every implementation must equal a plain int reference exactly. */
@Tag("scalar-path")
class U8KernelsTest {

    static int refSquare(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            long d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += d * d;
        }
        return Math.toIntExact(sum);
    }

    static int refDot(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (long) (a[i] & 0xFF) * (b[i] & 0xFF);
        }
        return Math.toIntExact(sum);
    }

    /** Random codes, biased towards the extremes 0 and 255 where sign-extension bugs show. */
    static byte[] codes(SplittableRandom r, int n) {
        byte[] c = new byte[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(8);
            c[i] = (byte) (pick == 0 ? 0 : pick == 1 ? 255 : pick == 2 ? 128 : pick == 3 ? 127 : r.nextInt(256));
        }
        return c;
    }

    @Test
    void arrayKernelsAreExact() {
        long seed = KernelImplementations.seed();
        for (DistanceKernels k : KernelImplementations.available()) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int n : FloatKernelsTest.LENGTHS) {
                for (int round = 0; round < 3; round++) {
                    byte[] a = codes(r, n);
                    byte[] b = codes(r, n);
                    String ctx = k.name() + " n=" + n + " seed=" + seed;
                    assertEquals(refSquare(a, b), k.squareDistanceU8(a, b), ctx + " squareDistanceU8");
                    assertEquals(refDot(a, b), k.dotU8(a, b), ctx + " dotU8");
                }
            }
        }
    }

    @Test
    void extremesDoNotSignExtend() {
        for (DistanceKernels k : KernelImplementations.available()) {
            for (int n : FloatKernelsTest.LENGTHS) {
                byte[] zeros = new byte[n];
                byte[] full = new byte[n];
                java.util.Arrays.fill(full, (byte) 255);
                assertEquals(65025 * n, k.squareDistanceU8(zeros, full), k.name() + " n=" + n);
                assertEquals(65025 * n, k.squareDistanceU8(full, zeros), k.name() + " n=" + n);
                assertEquals(65025 * n, k.dotU8(full, full), k.name() + " n=" + n);
                assertEquals(0, k.dotU8(zeros, full), k.name() + " n=" + n);
                assertEquals(0, k.squareDistanceU8(full, full.clone()), k.name() + " n=" + n);
                MemorySegment s = MemorySegment.ofArray(full);
                assertEquals(65025 * n, k.squareDistanceU8(zeros, s, 0), k.name() + " n=" + n);
                assertEquals(65025 * n, k.dotU8(full, s, 0), k.name() + " n=" + n);
            }
        }
    }

    @Test
    void largestSupportedDimensionDoesNotOverflow() {
        int n = VectorOps.MAX_U8_DIMENSION;
        byte[] zeros = new byte[n];
        byte[] full = new byte[n];
        java.util.Arrays.fill(full, (byte) 255);
        for (DistanceKernels k : KernelImplementations.available()) {
            assertEquals(65025 * n, k.squareDistanceU8(zeros, full), k.name());
            assertEquals(65025 * n, k.dotU8(full, MemorySegment.ofArray(full), 0), k.name());
        }
        assertEquals(2147450625, 65025 * n, "33025 * 255^2 fits in an int");
    }

    /**
     * The packed kernels sum whole int lanes that wrap past 2^32 and unpack once at the end: all-255 codes make every
     * lane wrap at every step, in the single, four-wide and eight-wide kernels, up to the largest dimension (the
     * eight-wide kernels take whole 64-byte steps only: 64, 384, 512 and 32,960, the largest such length; 100, 1000
     * and the largest dimension go four at a time and also run the int-lane and scalar tails after the packed steps).
     */
    @Test
    void bulkExtremesWrapAndStayExact() {
        for (DistanceKernels k : KernelImplementations.available()) {
            for (int n : new int[] {64, 65, 100, 384, 512, 513, 1000, VectorOps.MAX_U8_DIMENSION / 64 * 64,
                VectorOps.MAX_U8_DIMENSION}) {
                byte[] full = new byte[n];
                java.util.Arrays.fill(full, (byte) 255);
                byte[] zeros = new byte[n];
                for (int count : new int[] {1, 2, 3, 4, 8, 9, 14}) {
                    MemorySegment[] segs = new MemorySegment[count];
                    long[] offsets = new long[count];
                    for (int c = 0; c < count; c++) {
                        // Even candidates all 255, odd all 0.
                        segs[c] = MemorySegment.ofArray(c % 2 == 0 ? full : zeros);
                    }
                    int[] sq = new int[count];
                    int[] dot = new int[count];
                    k.squareDistanceU8Bulk(full, segs, offsets, count, sq);
                    k.dotU8Bulk(full, segs, offsets, count, dot);
                    for (int c = 0; c < count; c++) {
                        String ctx = k.name() + " n=" + n + " count=" + count + " #" + c;
                        assertEquals(c % 2 == 0 ? 0 : 65025 * n, sq[c], ctx + " square");
                        assertEquals(c % 2 == 0 ? 65025 * n : 0, dot[c], ctx + " dot");
                    }
                    k.squareDistanceU8Bulk(zeros, segs, offsets, count, sq);
                    for (int c = 0; c < count; c++) {
                        assertEquals(c % 2 == 0 ? 65025 * n : 0, sq[c], k.name() + " n=" + n + " #" + c + " zeros");
                    }
                }
                MemorySegment f = MemorySegment.ofArray(full);
                assertEquals(65025 * n, k.squareDistanceU8(zeros, f, 0), k.name() + " n=" + n);
                assertEquals(65025 * n, k.dotU8(full, f, 0), k.name() + " n=" + n);
            }
        }
    }

    @Test
    void segmentKernelsAreExactAtAnyOffsetAndSegmentKind() {
        long seed = KernelImplementations.seed();
        for (DistanceKernels k : KernelImplementations.available()) {
            SplittableRandom r = new SplittableRandom(seed);
            try (Arena arena = Arena.ofConfined()) {
                for (int n : FloatKernelsTest.LENGTHS) {
                    MemorySegment[] kinds = {MemorySegment.ofArray(new byte[n + 80]), arena.allocate(n + 80, 1)};
                    for (MemorySegment s : kinds) {
                        for (long off : new long[] {0, 1, 3, 5, 17, 36, 79}) {
                            byte[] q = codes(r, n);
                            byte[] c = codes(r, n);
                            MemorySegment.copy(c, 0, s, ValueLayout.JAVA_BYTE, off, n);
                            String ctx = k.name() + (s.isNative() ? " native" : " heap") + " n=" + n + " off=" + off
                                    + " seed=" + seed;
                            assertEquals(refSquare(q, c), k.squareDistanceU8(q, s, off), ctx + " square");
                            assertEquals(refDot(q, c), k.dotU8(q, s, off), ctx + " dot");
                            MemorySegment qs = kinds[0] == s ? kinds[1] : kinds[0];
                            long qOff = 79 - off;
                            MemorySegment.copy(q, 0, qs, ValueLayout.JAVA_BYTE, qOff, n);
                            assertEquals(refSquare(q, c), k.squareDistanceU8(qs, qOff, s, off, n), ctx + " seg square");
                            assertEquals(refDot(q, c), k.dotU8(s, off, qs, qOff, n), ctx + " seg dot");
                        }
                    }
                }
            }
        }
    }

    @Test
    void bulkEqualsReference() {
        long seed = KernelImplementations.seed();
        for (DistanceKernels k : KernelImplementations.available()) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int n : new int[] {1, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 383, 384, 385, 511,
                512, 513, 769}) {
                // Groups of eight (512-bit vectors) and four, and the remainders after them.
                for (int count : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 16, 19, 23}) {
                    MemorySegment chunk = MemorySegment.ofArray(new byte[n * count + 16]);
                    MemorySegment[] segs = new MemorySegment[count]; // exactly count: a read past it throws
                    long[] offsets = new long[count];
                    byte[][] cands = new byte[count][];
                    for (int c = 0; c < count; c++) {
                        segs[c] = c % 3 == 2 ? MemorySegment.ofArray(new byte[n + 5]) : chunk;
                        offsets[c] = segs[c] == chunk ? (long) n * c + r.nextInt(0, 16) : 5 - r.nextInt(0, 6);
                        cands[c] = codes(r, n);
                        MemorySegment.copy(cands[c], 0, segs[c], ValueLayout.JAVA_BYTE, offsets[c], n);
                    }
                    // Later candidates may overwrite earlier ones in the shared chunk: re-read what is really there.
                    for (int c = 0; c < count; c++) {
                        MemorySegment.copy(segs[c], ValueLayout.JAVA_BYTE, offsets[c], cands[c], 0, n);
                    }
                    byte[] q = codes(r, n);
                    int[] sq = new int[count + 1];
                    int[] dot = new int[count + 1];
                    java.util.Arrays.fill(sq, Integer.MIN_VALUE); // an unwritten slot fails, whatever it should hold
                    java.util.Arrays.fill(dot, Integer.MIN_VALUE);
                    sq[count] = dot[count] = -1;
                    k.squareDistanceU8Bulk(q, segs, offsets, count, sq);
                    k.dotU8Bulk(q, segs, offsets, count, dot);
                    for (int c = 0; c < count; c++) {
                        String ctx = k.name() + " n=" + n + " count=" + count + " #" + c + " seed=" + seed;
                        assertEquals(refSquare(q, cands[c]), sq[c], ctx);
                        assertEquals(refDot(q, cands[c]), dot[c], ctx);
                    }
                    assertEquals(-1, sq[count], "wrote past count");
                    assertEquals(-1, dot[count], "wrote past count");
                }
            }
        }
    }

    @Test
    void facadeMatchesReference() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        byte[] q = codes(r, 768);
        byte[] c = codes(r, 768);
        MemorySegment s = MemorySegment.ofArray(c);
        assertEquals(refSquare(q, c), VectorOps.squareDistanceU8(q, c));
        assertEquals(refDot(q, c), VectorOps.dotU8(q, c));
        assertEquals(refSquare(q, c), VectorOps.squareDistanceU8(q, s, 0));
        assertEquals(refDot(q, c), VectorOps.dotU8(q, s, 0));
        int[] out = new int[5];
        MemorySegment[] segs = {s, s, s, s, s};
        VectorOps.squareDistanceU8Bulk(q, segs, new long[5], 5, out);
        assertEquals(refSquare(q, c), out[4]);
        VectorOps.dotU8Bulk(q, segs, new long[5], 5, out);
        assertEquals(refDot(q, c), out[4]);
    }
}
