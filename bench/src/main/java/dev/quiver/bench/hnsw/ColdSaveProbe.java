package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a fresh process pays around its first save, through the public API: {@code addMany} in batches of 5,000 (two
 * build threads), {@code save} (the default-plan calibration and the files), then 2,000 searches at the default plan,
 * timed in blocks of 200 so the JIT's warm-up of the search path shows. Run it once per process: its point is the
 * cold JVM (a quantized 384-d database's first save took about four times a float32 one's, bench/results/session18.md).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dquiver.datasets=DIR \
 *   -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.ColdSaveProbe wordnet-minilm-384 [quantize=true]
 * </pre>
 */
public final class ColdSaveProbe {

    private static final int BATCH = 5_000;
    private static final int BLOCKS = 10;
    private static final int PER_BLOCK = 200;

    private ColdSaveProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean quantize = RunnerSupport.strictBoolean("quantize", RunnerSupport.option(args, "quantize", "true"));
        Dataset data = DatasetResolver.resolve(args[0], null, 1, 10, 42, 2);
        float[][] base = data.base();
        Metric metric = data.metric();
        Path dir = Files.createTempDirectory("quiver-cold-save");
        try {
            long t0 = System.nanoTime();
            try (Database db = Database.open(dir.resolve("db"), Config.dim(data.dim()).metric(metric).m(16)
                    .efConstruction(200).quantize(quantize).buildThreads(2))) {
                RunnerSupport.addInBatches(db, base, BATCH);
                long t1 = System.nanoTime();
                db.save();
                long t2 = System.nanoTime();
                StringBuilder blocks = new StringBuilder();
                for (int b = 0; b < BLOCKS; b++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < PER_BLOCK; i++) {
                        db.search(base[(int) ((b * PER_BLOCK + i) * 7L % base.length)], 10);
                    }
                    blocks.append(String.format(Locale.ROOT, " %.0f", (System.nanoTime() - start) / 1e3 / PER_BLOCK));
                }
                long t3 = System.nanoTime();
                System.out.printf(Locale.ROOT, "%s %d x %d, quantize=%s (walks codes: %s): add %.2f s, save %.2f s,"
                                + " then %d searches %.2f s (us per search, blocks of %d:%s)%n",
                        data.name(), base.length, data.dim(), quantize, db.stats().walksCodes(), (t1 - t0) / 1e9,
                        (t2 - t1) / 1e9, BLOCKS * PER_BLOCK, (t3 - t2) / 1e9, PER_BLOCK, blocks);
            }
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }
}
