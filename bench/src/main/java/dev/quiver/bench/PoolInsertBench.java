package dev.quiver.bench;

import dev.quiver.simd.ScalarVectorOps;
import dev.quiver.simd.VectorOps;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A search pool's insert point ({@code countAtMost}: how many of a sorted prefix are {@code <=} a distance) as the
 * beam asks for it, once per admitted candidate: the Panama lane scan against the scalar branch-free binary search,
 * over a pool of {@code size} sorted distances and a stream of probes that land anywhere in it, in an order the branch
 * predictor cannot learn. 256 probes per invocation.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PoolInsertBench -f 1 -wi 3 -w 1 -i 5 -r 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
@State(Scope.Thread)
public class PoolInsertBench {

    static final int PROBES = 256;

    /** Pool sizes of a beam at ef 10, 40, 100 and 200 (the pool holds about ef entries). */
    @Param({"10", "40", "100", "200"})
    public int size;

    private float[] pool;
    private final float[] probes = new float[PROBES];

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        pool = new float[512];
        for (int i = 0; i < size; i++) {
            pool[i] = (float) r.nextDouble();
        }
        Arrays.sort(pool, 0, size);
        for (int i = 0; i < PROBES; i++) {
            probes[i] = (float) r.nextDouble(); // uniform over the pool's range: any insert point
        }
        if (!VectorOps.isVectorized()) {
            throw new IllegalStateException("expected Panama kernels, got " + VectorOps.implementationName());
        }
    }

    @Benchmark
    @OperationsPerInvocation(PROBES)
    public int laneScan() {
        int sum = 0;
        for (float x : probes) {
            sum += VectorOps.countAtMost(pool, size, x);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PROBES)
    public int binarySearch() {
        int sum = 0;
        for (float x : probes) {
            sum += ScalarVectorOps.countAtMost(pool, size, x);
        }
        return sum;
    }
}
