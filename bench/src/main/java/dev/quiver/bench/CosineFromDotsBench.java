package dev.quiver.bench;

import dev.quiver.simd.ScalarVectorOps;
import dev.quiver.simd.VectorOps;
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
 * The last step of a bulk cosine score: {@code count} dot products with one query turned into cosine distances from
 * the stored norms ({@code VectorOps.cosineDistances}), in SIMD lanes against the scalar loop of
 * {@code Cosine.fromNorms} (a double-precision division per candidate). Counts as a beam scores them: 4 (the neighbour
 * selection's blocks), 7, 8 and 32 (a whole layer-0 list). 64 calls per invocation, over fresh dot products each time
 * (the calls rewrite their input in place), so the time is per call.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CosineFromDotsBench -f 1 -wi 3 -w 1 -i 5 -r 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
@State(Scope.Thread)
public class CosineFromDotsBench {

    static final int CALLS = 64;

    @Param({"4", "7", "8", "32"})
    public int count;

    private float[][] dots;
    private float[][] norms;
    private float[] work;
    private float qNorm;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        dots = new float[CALLS][count];
        norms = new float[CALLS][count];
        work = new float[count];
        qNorm = (float) r.nextDouble(0.5, 2);
        for (int c = 0; c < CALLS; c++) {
            for (int i = 0; i < count; i++) {
                norms[c][i] = (float) r.nextDouble(0.5, 2);
                dots[c][i] = (float) (qNorm * norms[c][i] * r.nextDouble(-1, 1));
            }
        }
        if (!VectorOps.isVectorized()) {
            throw new IllegalStateException("expected Panama kernels, got " + VectorOps.implementationName());
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public float lanes() {
        return convertAll(true);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public float scalar() {
        return convertAll(false);
    }

    /** Every call's dot products, fresh, through one route; the results read at once, as a beam reads them. */
    private float convertAll(boolean lanes) {
        float sum = 0;
        for (int c = 0; c < CALLS; c++) {
            System.arraycopy(dots[c], 0, work, 0, count);
            if (lanes) {
                VectorOps.cosineDistances(work, qNorm, norms[c], count);
            } else {
                ScalarVectorOps.cosineDistances(work, qNorm, norms[c], count);
            }
            sum += work[0];
        }
        return sum;
    }
}
