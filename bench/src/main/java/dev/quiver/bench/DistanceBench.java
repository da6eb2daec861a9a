package dev.quiver.bench;

import dev.quiver.bench.kernels.PlainLoops;
import dev.quiver.simd.ScalarVectorOps;
import dev.quiver.simd.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Distance kernels: Quiver's active kernels ({@code quiver}, Panama when the fork has the Vector API), Quiver's scalar
 * twin ({@code scalar}), Lucene's {@link VectorUtil} ({@code lucene}, its own Panama implementation) and a naive
 * one-accumulator loop ({@code plain}), in separate forks of the same run.
 *
 * <p>Hot: one candidate, both vectors L1-resident; measures the arithmetic ({@code *HotSegment}: the candidate read
 * from a native segment at an unaligned offset, the production path). Streaming: candidates spread over 512 MB of
 * off-heap float32 vectors (their SQ8 codes: 128 MB), both far beyond the 32 MB L3, visited in a pre-shuffled random
 * order, 64 per invocation; measures memory latency and bandwidth as a graph search sees them. Lucene's API takes
 * arrays, so its streaming variants copy each candidate out of the segment first, as Lucene's own off-heap vector
 * readers do.
 *
 * <p>SQ8 peer: Lucene's {@code VectorUtil.uint8SquareDistance} (unsigned bytes, same semantics as Quiver's).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar DistanceBench -f 1 -wi 3 -w 1 -i 5 -r 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g", "-XX:MaxDirectMemorySize=2g"})
@State(Scope.Thread)
public class DistanceBench {

    /** Candidates scored per streaming invocation: enough to amortise the loop, small enough to stay a "hop". */
    static final int BATCH = 64;

    @Param({"128", "384", "768", "1024"})
    public int dim;

    @Param({"quiver", "scalar", "lucene", "plain"})
    public String impl;

    private int kind;
    private float[] a;
    private float[] b;
    private byte[] ca;
    private byte[] cb;

    private static final int QUIVER = 0, SCALAR = 1, LUCENE = 2, PLAIN = 3;

    @Setup(Level.Trial)
    public void setUp() {
        kind = switch (impl) {
            case "quiver" -> QUIVER;
            case "scalar" -> SCALAR;
            case "lucene" -> LUCENE;
            case "plain" -> PLAIN;
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        SplittableRandom r = new SplittableRandom(42);
        a = randomFloats(r, dim);
        b = randomFloats(r, dim);
        ca = randomCodes(r, dim);
        cb = randomCodes(r, dim);
        if (kind == QUIVER && !VectorOps.isVectorized()) {
            throw new IllegalStateException("quiver impl expected Panama kernels, got "
                    + VectorOps.implementationName());
        }
    }

    /** The slots 0..count-1 in a seeded random order: the visiting order of a "random access" benchmark. */
    static int[] shuffledOrder(SplittableRandom r, int count) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static float[] randomFloats(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    static byte[] randomCodes(SplittableRandom r, int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) r.nextInt(256);
        }
        return v;
    }

    // ------------------------------------------------------------------ hot

    @Benchmark
    public float dotHot() {
        return switch (kind) {
            case QUIVER -> VectorOps.dot(a, b);
            case SCALAR -> ScalarVectorOps.dot(a, b);
            case LUCENE -> VectorUtil.dotProduct(a, b);
            default -> PlainLoops.dot(a, b);
        };
    }

    @Benchmark
    public float squareDistanceHot() {
        return switch (kind) {
            case QUIVER -> VectorOps.squareDistance(a, b);
            case SCALAR -> ScalarVectorOps.squareDistance(a, b);
            case LUCENE -> VectorUtil.squareDistance(a, b);
            default -> PlainLoops.squareDistance(a, b);
        };
    }

    @Benchmark
    public float cosineHot() {
        return switch (kind) {
            case QUIVER -> VectorOps.cosineDistance(a, b);
            case SCALAR -> ScalarVectorOps.cosineDistance(a, b);
            case LUCENE -> 1f - VectorUtil.cosine(a, b);
            default -> PlainLoops.cosineDistance(a, b);
        };
    }

    @Benchmark
    public int sq8SquareDistanceHot() {
        return switch (kind) {
            case QUIVER -> VectorOps.squareDistanceU8(ca, cb);
            case SCALAR -> ScalarVectorOps.squareDistanceU8(ca, cb);
            case LUCENE -> VectorUtil.uint8SquareDistance(ca, cb);
            default -> PlainLoops.squareDistanceU8(ca, cb);
        };
    }

    /** One stored candidate in a native segment at an unaligned offset, as slabs hold them (and Lucene's copy-out). */
    @State(Scope.Thread)
    public static class HotSegment {
        static final long OFFSET = 12;
        Arena arena;
        MemorySegment vector;
        MemorySegment codes;
        float[] floatBuf;
        byte[] byteBuf;

        @Setup(Level.Trial)
        public void setUp(DistanceBench bench) {
            arena = Arena.ofConfined();
            vector = arena.allocate(OFFSET + 4L * bench.dim, 64);
            codes = arena.allocate(OFFSET + bench.dim, 64);
            MemorySegment.copy(bench.b, 0, vector, Stream.LE_FLOAT, OFFSET, bench.dim);
            MemorySegment.copy(bench.cb, 0, codes, ValueLayout.JAVA_BYTE, OFFSET, bench.dim);
            floatBuf = new float[bench.dim];
            byteBuf = new byte[bench.dim];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public float squareDistanceHotSegment(HotSegment h) {
        return switch (kind) {
            case QUIVER -> VectorOps.squareDistance(a, h.vector, HotSegment.OFFSET);
            case SCALAR -> ScalarVectorOps.squareDistance(a, h.vector, HotSegment.OFFSET);
            case LUCENE -> {
                MemorySegment.copy(h.vector, Stream.LE_FLOAT, HotSegment.OFFSET, h.floatBuf, 0, dim);
                yield VectorUtil.squareDistance(a, h.floatBuf);
            }
            default -> PlainLoops.squareDistance(a, h.vector, HotSegment.OFFSET);
        };
    }

    @Benchmark
    public int sq8SquareDistanceHotSegment(HotSegment h) {
        return switch (kind) {
            case QUIVER -> VectorOps.squareDistanceU8(ca, h.codes, HotSegment.OFFSET);
            case SCALAR -> ScalarVectorOps.squareDistanceU8(ca, h.codes, HotSegment.OFFSET);
            case LUCENE -> {
                MemorySegment.copy(h.codes, ValueLayout.JAVA_BYTE, HotSegment.OFFSET, h.byteBuf, 0, dim);
                yield VectorUtil.uint8SquareDistance(ca, h.byteBuf);
            }
            default -> PlainLoops.squareDistanceU8(ca, h.codes, HotSegment.OFFSET);
        };
    }

    // ------------------------------------------------------------------ streaming

    /** 512 MB of float32 vectors and their SQ8 codes off-heap, and a random visiting order. */
    @State(Scope.Thread)
    public static class Stream {
        static final long FLOAT_BYTES = 512L << 20;
        static final ValueLayout.OfFloat LE_FLOAT =
                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        Arena arena;
        MemorySegment vectors;
        MemorySegment codes;
        int count;
        int[] order;
        int cursor;
        float[] query;
        byte[] queryCodes;
        // Scratch for the bulk calls and for Lucene's copy-out.
        final MemorySegment[] segs = new MemorySegment[BATCH];
        final long[] offsets = new long[BATCH];
        final float[] floatOut = new float[BATCH];
        final int[] intOut = new int[BATCH];
        float[] floatBuf;
        byte[] byteBuf;

        @Setup(Level.Trial)
        public void setUp(DistanceBench bench) {
            int dim = bench.dim;
            count = (int) (FLOAT_BYTES / (4L * dim));
            arena = Arena.ofShared();
            vectors = arena.allocate(4L * dim * count, 64);
            codes = arena.allocate((long) dim * count, 64);
            SplittableRandom r = new SplittableRandom(7);
            for (long i = 0, n = (long) dim * count; i < n; i++) {
                vectors.setAtIndex(LE_FLOAT, i, (float) r.nextDouble(-1, 1));
                codes.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
            }
            order = shuffledOrder(r, count);
            query = randomFloats(r, dim);
            queryCodes = randomCodes(r, dim);
            floatBuf = new float[dim];
            byteBuf = new byte[dim];
            java.util.Arrays.fill(segs, vectors);
        }

        /** The next candidate id in the shuffled order. */
        int next() {
            int id = order[cursor];
            cursor = cursor + 1 == count ? 0 : cursor + 1;
            return id;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void squareDistanceStreaming(Stream s, Blackhole bh) {
        long stride = 4L * dim;
        for (int c = 0; c < BATCH; c++) {
            long off = s.next() * stride;
            float d = switch (kind) {
                case QUIVER -> VectorOps.squareDistance(s.query, s.vectors, off);
                case SCALAR -> ScalarVectorOps.squareDistance(s.query, s.vectors, off);
                case LUCENE -> {
                    MemorySegment.copy(s.vectors, Stream.LE_FLOAT, off, s.floatBuf, 0, dim);
                    yield VectorUtil.squareDistance(s.query, s.floatBuf);
                }
                default -> PlainLoops.squareDistance(s.query, s.vectors, off);
            };
            bh.consume(d);
        }
    }

    /** Quiver's bulk kernel (four candidates interleaved); the other impls score one at a time as above. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void squareDistanceBulkStreaming(Stream s, Blackhole bh) {
        long stride = 4L * dim;
        if (kind == QUIVER || kind == SCALAR) {
            java.util.Arrays.fill(s.segs, s.vectors);
            for (int c = 0; c < BATCH; c++) {
                s.offsets[c] = s.next() * stride;
            }
            if (kind == QUIVER) {
                VectorOps.squareDistanceBulk(s.query, s.segs, s.offsets, BATCH, s.floatOut);
            } else {
                ScalarVectorOps.squareDistanceBulk(s.query, s.segs, s.offsets, BATCH, s.floatOut);
            }
            bh.consume(s.floatOut);
        } else {
            squareDistanceStreaming(s, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sq8SquareDistanceStreaming(Stream s, Blackhole bh) {
        long stride = dim;
        for (int c = 0; c < BATCH; c++) {
            long off = s.next() * stride;
            int d = switch (kind) {
                case QUIVER -> VectorOps.squareDistanceU8(s.queryCodes, s.codes, off);
                case SCALAR -> ScalarVectorOps.squareDistanceU8(s.queryCodes, s.codes, off);
                case LUCENE -> {
                    MemorySegment.copy(s.codes, ValueLayout.JAVA_BYTE, off, s.byteBuf, 0, dim);
                    yield VectorUtil.uint8SquareDistance(s.queryCodes, s.byteBuf);
                }
                default -> PlainLoops.squareDistanceU8(s.queryCodes, s.codes, off);
            };
            bh.consume(d);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sq8SquareDistanceBulkStreaming(Stream s, Blackhole bh) {
        long stride = dim;
        if (kind == QUIVER || kind == SCALAR) {
            java.util.Arrays.fill(s.segs, s.codes);
            for (int c = 0; c < BATCH; c++) {
                s.offsets[c] = s.next() * stride;
            }
            if (kind == QUIVER) {
                VectorOps.squareDistanceU8Bulk(s.queryCodes, s.segs, s.offsets, BATCH, s.intOut);
            } else {
                ScalarVectorOps.squareDistanceU8Bulk(s.queryCodes, s.segs, s.offsets, BATCH, s.intOut);
            }
            bh.consume(s.intOut);
        } else {
            sq8SquareDistanceStreaming(s, bh);
        }
    }
}
