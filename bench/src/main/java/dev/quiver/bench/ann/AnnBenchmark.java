package dev.quiver.bench.ann;

import dev.quiver.simd.VectorOps;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ANN harness: builds each engine on the same data with the same M and ef_construction, then sweeps ef and
 * reports recall@k, QPS and latency per engine and ef (protocol in reference/peers.md and {@link QueryRunner}).
 * Run it through {@code bench/ann}; {@code bench/ann --help} lists the options.
 */
public final class AnnBenchmark {

    private final BenchmarkArgs args;
    private final PrintStream out;
    private final PrintStream log;

    public AnnBenchmark(BenchmarkArgs args, PrintStream out, PrintStream log) {
        this.args = args;
        this.out = out;
        this.log = log;
    }

    public static void main(String[] argv) throws IOException {
        BenchmarkArgs args;
        try {
            args = BenchmarkArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new AnnBenchmark(args, System.out, System.err).run();
    }

    /** Runs every engine and writes the requested reports; returns the rows. */
    public List<ResultRow> run() throws IOException {
        out.printf("ANN benchmark %s%n", Instant.now());
        out.printf("java %s, %d cores, Quiver kernels %s, jvector provider %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), VectorOps.implementationName(),
                JVectorEngine.providerName());
        Dataset data = DatasetResolver.resolve(args.dataset(), args.metric(), args.queries(), args.k(), args.seed(),
                args.buildThreads());
        if (args.queries() > 0) {
            data = data.limitQueries(args.queries());
        }
        RowFilter filter = null;
        String datasetLabel = data.name();
        if (args.filter() != null) {
            filter = RowFilter.parse(args.filter(), data.baseMetadata());
            out.printf("filter %s matches %d of %d rows (%.2f %%)%n", filter, filter.matchingRows().cardinality(),
                    data.base().length, 100 * filter.selectivity(data.base().length));
            int[][] filteredTruth = GroundTruth.compute(data.base(), data.queries(), data.metric(),
                    Math.max(args.k(), DatasetResolver.GROUND_TRUTH_DEPTH), filter.matchingRows(),
                    args.buildThreads(), new Progress("filtered ground truth", log));
            data = data.withGroundTruth(data.metric(), filteredTruth);
            datasetLabel = data.name() + ":" + filter;
        }
        out.printf("data set %s: %d x %d base, %d queries, metric %s; M=%d ef_construction=%d k=%d threads=%d "
                        + "build threads=%d%n", datasetLabel, data.base().length, data.dim(), data.queries().length,
                data.metric(), args.m(), args.efConstruction(), args.k(), args.threads(), args.buildThreads());
        out.println(args.sharedJvm() || filter != null
                ? "JVM engines run in this JVM (their kernels share the JIT's profiles)"
                : "JVM engines run each in a JVM of its own, with this JVM's options (--jvm shared: all in this one)");

        boolean temporary = args.workDir() == null;
        Path workDir = temporary ? Files.createTempDirectory("quiver-ann-") : args.workDir();
        List<List<ResultRow>> forkRows = new ArrayList<>();
        List<List<ReportWriter.BuildLine>> forkBuilds = new ArrayList<>();
        try {
            for (int fork = 0; fork < args.forks(); fork++) {
                if (args.forks() > 1) {
                    log.printf("fork %d of %d: every engine built and measured in fresh processes%n", fork + 1,
                            args.forks());
                }
                List<BuiltEngine> built = new ArrayList<>();
                List<ReportWriter.BuildLine> builds = new ArrayList<>();
                try {
                    for (String engineName : args.engines()) {
                        BuiltEngine b = build(engineName, data, filter, workDir.resolve(engineName));
                        if (b != null) {
                            built.add(b);
                            builds.add(new ReportWriter.BuildLine(b.engine().name(), b.buildSeconds(), b.split()));
                        }
                    }
                    forkRows.add(measureAll(built, data, datasetLabel));
                    forkBuilds.add(builds);
                } finally {
                    for (BuiltEngine b : built) {
                        b.close();
                    }
                }
            }
        } finally {
            if (temporary) {
                DirectorySize.deleteRecursively(workDir);
            }
        }
        List<ResultRow> rows = ForkMedians.rows(forkRows);
        List<ReportWriter.BuildLine> builds = ForkMedians.builds(forkBuilds);
        if (args.forks() > 1) {
            out.printf("%d forks: each row is the fork with the median QPS for its engine and ef, each build line the "
                    + "fork with the median build time%n", args.forks());
        }
        out.println();
        ReportWriter.printTable(out, rows);
        ReportWriter.printBuilds(out, builds);
        RecallTargets.print(out, rows, "quiver");
        if (args.forks() > 1) {
            RecallTargets.printPerFork(out, forkRows, "quiver");
        }
        if (args.csv() != null) {
            ReportWriter.writeCsv(args.csv(), rows);
            out.println("CSV: " + args.csv());
        }
        if (args.svg() != null) {
            String title = String.format("%s, k=%d, M=%d, ef_construction=%d, %d query thread%s", datasetLabel,
                    args.k(), args.m(), args.efConstruction(), args.threads(), args.threads() == 1 ? "" : "s");
            SvgPlot.write(args.svg(), title, rows);
            out.println("SVG: " + args.svg());
        }
        return rows;
    }

    /** An engine built and opened, with its query threads and the numbers of its build. */
    private record BuiltEngine(AnnEngine engine, QueryRunner runner, double buildSeconds, double openMillis,
                               long indexBytes, AnnEngine.BuildSplit split) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                runner.close();
            } finally {
                engine.close();
            }
        }
    }

    /** The engine built and opened, or null when it cannot run here (the reason is printed). */
    private BuiltEngine build(String engineName, Dataset data, RowFilter filter, Path dir) throws IOException {
        AnnEngine engine = args.sharedJvm() || filter != null || !ForkedEngine.forks(engineName)
                ? EngineFactory.create(engineName) : new ForkedEngine(engineName);
        String unavailable = engine.unavailableReason(filter);
        if (unavailable != null) {
            out.printf("%s skipped: %s%n", engineName, unavailable);
            engine.close();
            return null;
        }
        DirectorySize.deleteRecursively(dir);
        Files.createDirectories(dir);
        AnnEngine.BuildParams params = new AnnEngine.BuildParams(data.metric(), args.m(), args.efConstruction(),
                args.buildThreads());
        try {
            engine.prepare(data, dir);
            log.printf("[%s] building %d vectors%n", engineName, data.base().length);
            long t0 = System.nanoTime();
            engine.build(data, params, filter, dir, new Progress(engineName + " build", log));
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            if (!Double.isNaN(engine.reportedBuildSeconds())) {
                buildSeconds = engine.reportedBuildSeconds();
            }
            long t1 = System.nanoTime();
            engine.open();
            double openMillis = !engine.persistent() ? Double.NaN
                    : Double.isNaN(engine.reportedOpenMillis()) ? (System.nanoTime() - t1) / 1e6
                    : engine.reportedOpenMillis();
            long indexBytes = engine.indexBytes();
            log.printf("[%s] built in %.2f s, open %s, index %.1f MB%n", engineName, buildSeconds,
                    engine.persistent() ? String.format("%.1f ms", openMillis) : "n/a (in memory)",
                    indexBytes / 1e6);
            return new BuiltEngine(engine, new QueryRunner(engine, filter, args.threads()), buildSeconds,
                    openMillis, indexBytes, engine.buildSplit());
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * The measurement protocol of reference/peers.md per engine: one unmeasured pass at every ef (JIT warm-up), then
     * per ef a warm-up pass and measured passes for at least --min-seconds. With --rounds R the engines take turns R
     * times (all indexes stay open) and each (engine, ef) keeps its fastest round, so a slow spell of a shared
     * machine hits every engine alike instead of whichever ran during it.
     */
    private List<ResultRow> measureAll(List<BuiltEngine> built, Dataset data, String datasetLabel) {
        List<Integer> efs = args.efSearch();
        QueryRunner.Measurement[][] best = new QueryRunner.Measurement[built.size()][efs.size()];
        double[][] leastCpu = new double[built.size()][efs.size()];
        for (double[] row : leastCpu) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (int round = 0; round < args.rounds(); round++) {
            for (int e = 0; e < built.size(); e++) {
                BuiltEngine b = built.get(e);
                String name = b.engine().name();
                if (round == 0) {
                    for (int ef : efs) {
                        b.runner().pass(data.queries(), args.k(), ef, null);
                    }
                }
                for (int i = 0; i < efs.size(); i++) {
                    int ef = efs.get(i);
                    QueryRunner.Measurement m = b.runner().measure(data.queries(), data.groundTruth(), args.k(), ef,
                            args.minSeconds());
                    log.printf("[%s] round %d ef=%d recall=%.4f qps=%.0f p50=%.1fus p99=%.1fus cpu=%.1fus/query%n",
                            name, round + 1, ef, m.recall(), m.qps(), m.p50Micros(), m.p99Micros(), m.cpuMicros());
                    if (!(leastCpu[e][i] <= m.cpuMicros())) {
                        leastCpu[e][i] = m.cpuMicros();
                    }
                    if (best[e][i] == null || m.qps() > best[e][i].qps()) {
                        best[e][i] = m;
                    }
                }
            }
        }
        List<ResultRow> rows = new ArrayList<>();
        for (int e = 0; e < built.size(); e++) {
            BuiltEngine b = built.get(e);
            for (int i = 0; i < efs.size(); i++) {
                QueryRunner.Measurement m = best[e][i];
                // After the timed passes: counting may take another code path (e.g. Lucene's leaf-level search).
                double evals = b.runner().evaluationsPerQuery(data.queries(), args.k(), efs.get(i));
                rows.add(new ResultRow(datasetLabel, b.engine().name(), args.m(), args.efConstruction(), efs.get(i),
                        args.k(), args.threads(), m.recall(), m.qps(), m.p50Micros(), m.p99Micros(),
                        b.buildSeconds(), b.openMillis(), b.indexBytes(), leastCpu[e][i], evals));
            }
        }
        return rows;
    }
}
