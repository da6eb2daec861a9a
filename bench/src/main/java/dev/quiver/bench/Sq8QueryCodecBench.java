package dev.quiver.bench;

import dev.quiver.simd.VectorOps;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two passes over the query that every search on SQ8 codes makes before its walk: encoding the query
 * ({@code VectorOps.quantizeU8}) and its residual ({@code VectorOps.residualSquaredU8}, which the re-rank cutoff
 * compares with sampled nodes'), against the scalar loops they replaced ({@code *Textbook}: Math.round with two
 * clamping branches per component; a double-precision residual). Values as a trained quantizer sees them: offsets
 * near the data's low tail, one scale for all dimensions, a few components outside the range.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar Sq8QueryCodecBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
@State(Scope.Thread)
public class Sq8QueryCodecBench {

    @Param({"128", "384", "784"})
    public int dim;

    private float[] query;
    private float[] offsets;
    private float scale;
    private byte[] code;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        query = new float[dim];
        offsets = new float[dim];
        code = new byte[dim];
        scale = 0.9f / 255;
        for (int d = 0; d < dim; d++) {
            offsets[d] = (float) r.nextDouble(-0.5, -0.4);
            query[d] = (float) r.nextDouble(-0.52, 0.52); // about 2% below the range, clamped
        }
        VectorOps.quantizeU8(query, offsets, 1f / scale, code);
    }

    @Benchmark
    public int encode() {
        return VectorOps.quantizeU8(query, offsets, 1f / scale, code);
    }

    @Benchmark
    public int encodeTextbook() {
        int clamped = 0;
        float inv = 1f / scale;
        for (int d = 0; d < dim; d++) {
            float c = Math.round((query[d] - offsets[d]) * inv);
            if (c < 0f) {
                c = 0f;
                clamped++;
            } else if (c > 255f) {
                c = 255f;
                clamped++;
            } else if (c != c) {
                c = 0f;
            }
            code[d] = (byte) (int) c;
        }
        return clamped;
    }

    @Benchmark
    public float residual() {
        return VectorOps.residualSquaredU8(query, offsets, scale, code);
    }

    @Benchmark
    public double residualTextbook() {
        double sum = 0;
        for (int d = 0; d < dim; d++) {
            double e = query[d] - ((double) offsets[d] + (double) scale * (code[d] & 0xFF));
            sum += e * e;
        }
        return sum;
    }
}
