package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One process's life with the default code scan: builds a database of vctrs's uniform [0, 1) data (cosine), saves it
 * (the calibration picks the SQ8 code scan there), then times default searches in rounds: CPU microseconds per query.
 * Run it in many fresh processes to see how often the JIT leaves a kernel slow for the whole process; with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation} the log names the method C2 gave up on
 * ({@code COMPILE SKIPPED}). A process that only opens a saved database and searches did not show it (12 runs);
 * one that builds, saves and searches did (bench/results/session14.md).
 *
 * <pre>
 * for i in $(seq 12); do java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -cp bench/target/benchmarks.jar \
 *   dev.quiver.bench.hnsw.CodeScanProbe [n=20000] [dim=384] [queries=40] [rounds=6] | grep "COMPILE SKIPPED\|us/query"; done
 * </pre>
 */
public final class CodeScanProbe {

    private CodeScanProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = RunnerSupport.option(args, "n", 20_000);
        int dim = RunnerSupport.option(args, "dim", 384);
        int queryCount = RunnerSupport.option(args, "queries", 40);
        int rounds = RunnerSupport.option(args, "rounds", 6);
        float[][] base = RunnerSupport.uniformRows(n, dim, new SplittableRandom(42));
        float[][] queries = RunnerSupport.uniformRows(queryCount, dim, new SplittableRandom(7));
        Path dir = Files.createTempDirectory("quiver-code-scan-probe");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (Database db = Database.open(dir.resolve("db"),
                Config.dim(dim).metric(Metric.COSINE).m(16).efConstruction(200).targetRecall(0.99))) {
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(Integer.toString(i));
            }
            db.addMany(ids, base);
            db.save();
            int defaultEf = db.stats().defaultEfSearch();
            StringBuilder perRound = new StringBuilder();
            for (int round = 0; round < rounds; round++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                for (float[] q : queries) {
                    db.search(q, SearchParams.k(10));
                }
                perRound.append(String.format(Locale.ROOT, " %.0f",
                        (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / queries.length));
            }
            System.out.printf(Locale.ROOT, "n=%d dim=%d default_ef=%s code_mb=%.1f us/query per round:%s%n", n, dim,
                    defaultEf == 0 ? "scan" : Integer.toString(defaultEf), db.stats().memoryQuantizedBytes() / 1e6,
                    perRound);
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }
}
