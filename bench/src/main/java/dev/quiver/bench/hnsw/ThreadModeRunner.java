package dev.quiver.bench.hnsw;

import dev.quiver.AsyncDatabase;
import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Searches from a warmed thread against searches from a fresh platform thread, a fresh virtual thread, and
 * {@link AsyncDatabase} (a virtual thread per call), on one database: does a new thread pay for anything the size of
 * the index? Each mode runs one search at a time (the caller waits for each), in rounds that alternate the modes
 * (A/B/C/D, A/B/C/D...) so machine drift hits all alike; reports the median QPS per mode, its ratio to the warmed
 * thread's, and the cost of starting the thread alone (a task with no search), so a gap can be attributed.
 * Next to the wall-clock QPS it reports the process CPU time per search (all threads: search, thread start, GC,
 * allocation), which a loaded machine distorts far less: under load the scheduler favours newly created threads, so
 * wall-clock QPS can even show fresh threads ahead of a warmed one. The CPU of the same mode with an empty task (the
 * thread's start alone) is subtracted to give the search's own CPU per mode: anything a fresh thread pays inside the
 * search (scratch sized to the index, say) shows there. Process CPU time ticks in 10 ms on Linux, so use enough
 * queries (2,000 at ~200 us each is 40 ticks per mode and round). Uses only the public API, so the same class runs
 * against any build of the engine.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.ThreadModeRunner synthetic:N:DIM | DATASET_DIR [metric=cosine] [ef=200]
 *     [queries=1000] [rounds=7]
 * </pre>
 */
public final class ThreadModeRunner {

    private enum Mode { WARMED, PLATFORM, VIRTUAL, ASYNC }

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        String source = args[0];
        int ef = option(args, "ef", 200);
        int queryCount = option(args, "queries", 1000);
        int rounds = option(args, "rounds", 7);
        float[][] base;
        float[][] queries;
        Metric metric;
        if (source.startsWith("synthetic:")) {
            String[] p = source.split(":");
            int n = Integer.parseInt(p[1]);
            int dim = Integer.parseInt(p[2]);
            SplittableRandom r = new SplittableRandom(42);
            base = gaussian(r, n, dim);
            queries = gaussian(r, queryCount, dim);
            metric = Metric.EUCLIDEAN;
        } else {
            Path dir = Path.of(source);
            base = HnswRunner.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
            queries = HnswRunner.readFvecs(dir.resolve("query.fvecs"), queryCount);
            metric = Metric.parse(stringOption(args, "metric", "euclidean"));
        }
        Path dir = Files.createTempDirectory("quiver-threadmode");
        try (Database db = Database.open(dir.resolve("db"), Config.dim(base[0].length).metric(metric))) {
            List<String> ids = new ArrayList<>(base.length);
            for (int i = 0; i < base.length; i++) {
                ids.add(Integer.toString(i));
            }
            long t0 = System.nanoTime();
            db.addMany(ids, base);
            System.out.printf(Locale.ROOT, "built %d x %d in %.1f s; ef=%d, %d queries per mode per round, %d rounds%n",
                    base.length, base[0].length, (System.nanoTime() - t0) / 1e9, ef, queries.length, rounds);
            SearchParams params = SearchParams.k(10).efSearch(ef);
            ExecutorService perCall = Executors.newVirtualThreadPerTaskExecutor();
            AsyncDatabase async = AsyncDatabase.wrap(db, perCall);
            double[][] qps = new double[Mode.values().length][rounds];
            double[][] cpu = new double[Mode.values().length][rounds];
            double[][] startOnly = new double[Mode.values().length][rounds];
            double[][] startOnlyCpu = new double[Mode.values().length][rounds];
            for (int round = -2; round < rounds; round++) { // two unmeasured rounds warm the JIT
                for (Mode mode : Mode.values()) {
                    double[] q = run(mode, db, async, queries, params, true);
                    double[] s = run(mode, db, async, queries, params, false);
                    if (round >= 0) {
                        qps[mode.ordinal()][round] = q[0];
                        cpu[mode.ordinal()][round] = q[1];
                        startOnly[mode.ordinal()][round] = s[0];
                        startOnlyCpu[mode.ordinal()][round] = s[1];
                    }
                }
            }
            double warmed = median(qps[Mode.WARMED.ordinal()]);
            double warmedCpu = median(cpu[Mode.WARMED.ordinal()]);
            for (Mode mode : Mode.values()) {
                double m = median(qps[mode.ordinal()]);
                double c = median(cpu[mode.ordinal()]);
                double startCpu = median(startOnlyCpu[mode.ordinal()]);
                double warmedSearchCpu = warmedCpu - median(startOnlyCpu[Mode.WARMED.ordinal()]);
                System.out.printf(Locale.ROOT, "mode=%-8s qps_median=%.0f ratio_to_warmed=%.3f rounds=%s"
                                + " start_only_us=%.1f cpu_us_per_search=%.1f cpu_ratio_to_warmed=%.3f"
                                + " start_only_cpu_us=%.1f search_cpu_us_without_start=%.1f"
                                + " search_cpu_ratio_to_warmed=%.3f%n", mode.name().toLowerCase(Locale.ROOT), m,
                        m / warmed,
                        Arrays.toString(Arrays.stream(qps[mode.ordinal()]).mapToLong(Math::round).toArray()),
                        1e6 / median(startOnly[mode.ordinal()]), c, c / warmedCpu, startCpu, c - startCpu,
                        (c - startCpu) / warmedSearchCpu);
            }
            perCall.shutdown();
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Queries per second of one mode and the process CPU microseconds per query; with {@code search} false the task
     * is empty (the thread's cost alone).
     */
    private static double[] run(Mode mode, Database db, AsyncDatabase async, float[][] queries, SearchParams params,
                                boolean search) throws InterruptedException {
        long c0 = PROCESS.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (float[] q : queries) {
            Runnable task = search ? () -> db.search(q, params) : () -> { };
            switch (mode) {
                case WARMED -> task.run();
                case PLATFORM -> Thread.ofPlatform().start(task).join();
                case VIRTUAL -> Thread.ofVirtual().start(task).join();
                case ASYNC -> {
                    if (search) {
                        async.search(q, params).join();
                    } else {
                        async.count().join();
                    }
                }
            }
        }
        long wall = System.nanoTime() - t0;
        long cpuNanos = PROCESS.getProcessCpuTime() - c0;
        return new double[] {queries.length / (wall / 1e9), cpuNanos / 1e3 / queries.length};
    }

    private static float[][] gaussian(SplittableRandom r, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) r.nextGaussian();
            }
        }
        return v;
    }

    private static int option(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }

    private static String stringOption(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Deletes a scratch directory and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
