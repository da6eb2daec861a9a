package dev.quiver.bench;

import dev.quiver.simd.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * SQ8 (u8) kernels against the float32 dot product as a graph walk calls them: candidates in one native slab
 * (float32 vectors and their codes, {@code count} of each), visited in a pre-shuffled order, 64 per invocation,
 * scored one at a time ({@code *Single}) or four per kernel call ({@code *Bulk}, as {@code Sq8Scorer} and
 * {@code FloatScorer} do). {@code count} 4,096 keeps the codes in L2 and the float32 vectors mostly in L3;
 * 65,536 at 384-d puts both beyond L2 (96 MB float32, 24 MB codes).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar Sq8KernelBench -f 1 -wi 3 -w 1 -i 5 -r 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx1g"})
@State(Scope.Thread)
public class Sq8KernelBench {

    static final int BATCH = 64;

    @Param({"128", "384", "768"})
    public int dim;

    @Param({"4096", "65536"})
    public int count;

    private Arena arena;
    private MemorySegment floats;
    private MemorySegment codes;
    private float[] query;
    private byte[] queryCode;
    private int[] order;
    private int cursor;
    private final MemorySegment[] segs = new MemorySegment[BATCH];
    private final long[] offs = new long[BATCH];
    private final float[] floatOut = new float[BATCH];
    private final int[] intOut = new int[BATCH];

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        arena = Arena.ofShared();
        floats = arena.allocate((long) count * dim * Float.BYTES, 64);
        codes = arena.allocate((long) count * dim, 64);
        for (long i = 0; i < (long) count * dim; i++) {
            floats.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) r.nextDouble(-1, 1));
            codes.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        }
        query = DistanceBench.randomFloats(r, dim);
        queryCode = DistanceBench.randomCodes(r, dim);
        order = DistanceBench.shuffledOrder(r, count);
        if (!VectorOps.isVectorized()) {
            throw new IllegalStateException("expected Panama kernels, got " + VectorOps.implementationName());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** The next batch of candidate slots, wrapping around the shuffled order. */
    private int next() {
        int at = cursor;
        cursor = at + BATCH >= count ? 0 : at + BATCH;
        return at;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void floatDotSingle(Blackhole bh) {
        int at = next();
        for (int i = 0; i < BATCH; i++) {
            bh.consume(VectorOps.dot(query, floats, (long) order[at + i] * dim * Float.BYTES));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] floatDotBulk() {
        int at = next();
        for (int i = 0; i < BATCH; i++) {
            segs[i] = floats;
            offs[i] = (long) order[at + i] * dim * Float.BYTES;
        }
        VectorOps.dotBulk(query, segs, offs, BATCH, floatOut);
        return floatOut;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void u8DotSingle(Blackhole bh) {
        int at = next();
        for (int i = 0; i < BATCH; i++) {
            bh.consume(VectorOps.dotU8(queryCode, codes, (long) order[at + i] * dim));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] u8DotBulk() {
        int at = next();
        for (int i = 0; i < BATCH; i++) {
            segs[i] = codes;
            offs[i] = (long) order[at + i] * dim;
        }
        VectorOps.dotU8Bulk(queryCode, segs, offs, BATCH, intOut);
        return intOut;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void u8SquareSingle(Blackhole bh) {
        int at = next();
        for (int i = 0; i < BATCH; i++) {
            bh.consume(VectorOps.squareDistanceU8(queryCode, codes, (long) order[at + i] * dim));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] u8SquareBulk() {
        int at = next();
        for (int i = 0; i < BATCH; i++) {
            segs[i] = codes;
            offs[i] = (long) order[at + i] * dim;
        }
        VectorOps.squareDistanceU8Bulk(queryCode, segs, offs, BATCH, intOut);
        return intOut;
    }
}
