package dev.quiver.bench.meta;

import dev.quiver.Metric;
import dev.quiver.VectorRecord;
import dev.quiver.internal.json.JsonExporter;
import dev.quiver.internal.json.JsonImporter;
import dev.quiver.internal.meta.MetadataCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Streaming JSON export and import of {@code records} vectors of {@code dim} float32 with small metadata: time per
 * whole file (export: write; import: validate pass + delivery pass, records handed to a no-op consumer).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar JsonTransferBench
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class JsonTransferBench {

    @Param({"100000"})
    public int records;

    @Param({"128"})
    public int dim;

    private List<VectorRecord> data;
    private Path file;

    @Setup(Level.Trial)
    public void build() throws IOException {
        Random rnd = new Random(42);
        data = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
            data.add(new VectorRecord("doc-" + i, v,
                    MetadataCodec.validate(Map.of("category", "c" + i % 20, "score", i % 1000 / 10.0))));
        }
        file = Files.createTempFile("quiver-json-bench", ".json");
        export();
        System.out.printf("%nfile: %d bytes%n", Files.size(file));
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long export() throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            return JsonExporter.export(out, dim, Metric.COSINE, false, data.iterator());
        }
    }

    @Benchmark
    public long importTwoPass() throws IOException {
        long[] seen = new long[1];
        JsonImporter.importFile(file, dim, JsonImporter.DEFAULT_BATCH_SIZE, batch -> seen[0] += batch.size());
        return seen[0];
    }
}
