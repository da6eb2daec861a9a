package dev.quiver.bench.hnsw;

import dev.quiver.AsyncDatabase;
import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Durability;
import dev.quiver.Metric;
import dev.quiver.SearchParams;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Searches from a warmed thread against searches from a fresh platform thread, a fresh virtual thread, and
 * {@link AsyncDatabase} (a virtual thread per call), on one database: does a new thread pay for anything the size of
 * the index? Each mode runs one search at a time (the caller waits for each), in rounds that alternate the modes
 * (A/B/C..., A/B/C...) so machine drift hits all alike. Per mode it reports medians of: wall-clock QPS and its
 * ratio to the warmed thread's; this process's CPU time per call and heap bytes allocated per call (both immune to
 * other processes' load, and the allocation counts virtual threads too); and the same two for the thread alone (a
 * task with no search), so a gap can be attributed to the thread or to the search; the difference is the search's own
 * CPU per mode. Process CPU time ticks in 10 ms on Linux, so use enough queries (2,000 at ~200 us each is 40 ticks per
 * mode and round). Uses only the public API, so the same class runs against any build of the engine.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.ThreadModeRunner synthetic:N:DIM | DATASET_DIR [metric=cosine] [ef=200]
 *     [queries=1000] [rounds=7] [op=search|insert]
 * </pre>
 * With {@code op=insert} each call adds one vector (a query vector under a new id, {@link Durability#DEFAULT}: the log
 * record is handed to the OS, not forced) instead of searching: inserts take their linking scratch from the same pool
 * as searches, so a fresh thread must not pay for anything the size of the index there either. The index grows by
 * {@code queries x 6 modes x (rounds + 2)} vectors over the run (54,000 with the defaults), so give it a base
 * several times that size or read the insert ratios with the growth in mind.
 */
public final class ThreadModeRunner {

    /**
     * The last two are controls that run the call on the warmed thread after something else. {@code SPAWN_THEN_WARMED}
     * first starts and joins a fresh platform thread with an empty task; {@code PAUSE_THEN_WARMED} first parks for
     * {@link #PAUSE_NANOS}. If a control costs as much over {@code WARMED} as a fresh-thread mode does, that mode's
     * extra is what the thread's start and exit, or the caller's idle moment, does to the process (TLB shootdowns,
     * caches), not anything the call does on the new thread. {@code THRASH_THEN_WARMED} first writes over
     * {@link #THRASH_BYTES} of other memory, evicting this core's L1 and L2 (its own CPU is subtracted like a thread
     * start's, through the empty task): if it costs the search what a spawn does, the spawn's cost is the caches.
     */
    private enum Mode { WARMED, PLATFORM, VIRTUAL, ASYNC, SPAWN_THEN_WARMED, PAUSE_THEN_WARMED, THRASH_THEN_WARMED }

    /** Memory {@code THRASH_THEN_WARMED} writes over: twice a 1 MiB L2. */
    private static final int THRASH_BYTES = 2 << 20;
    private static final byte[] THRASH = new byte[THRASH_BYTES];
    private static int thrashRound;

    /** The idle moment of {@code PAUSE_THEN_WARMED}: about a platform thread's start and join. */
    private static final long PAUSE_NANOS = 100_000;

    public static void main(String[] args) throws Exception {
        String source = args[0];
        int ef = RunnerSupport.option(args, "ef", 200);
        int queryCount = RunnerSupport.option(args, "queries", 1000);
        int rounds = RunnerSupport.option(args, "rounds", 7);
        boolean insert = RunnerSupport.option(args, "op", "search").equals("insert");
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
            metric = Metric.parse(RunnerSupport.option(args, "metric", "euclidean"));
        }
        Path dir = Files.createTempDirectory("quiver-threadmode");
        try (Database db = Database.open(dir.resolve("db"), Config.dim(base[0].length).metric(metric))) {
            List<String> ids = new ArrayList<>(base.length);
            for (int i = 0; i < base.length; i++) {
                ids.add(Integer.toString(i));
            }
            long t0 = System.nanoTime();
            db.addMany(ids, base);
            System.out.printf(Locale.ROOT, "built %d x %d in %.1f s; op=%s ef=%d, %d calls per mode per round, %d rounds%n",
                    base.length, base[0].length, (System.nanoTime() - t0) / 1e9, insert ? "insert" : "search", ef,
                    queries.length, rounds);
            SearchParams params = SearchParams.k(10).efSearch(ef);
            ExecutorService perCall = Executors.newVirtualThreadPerTaskExecutor();
            AsyncDatabase async = AsyncDatabase.wrap(db, perCall);
            int modes = Mode.values().length;
            double[][][] search = new double[modes][3][rounds];
            double[][][] empty = new double[modes][3][rounds];
            for (int round = -2; round < rounds; round++) { // two unmeasured rounds warm the JIT
                for (Mode mode : Mode.values()) {
                    String idPrefix = mode + "-" + (round + 2) + "-";
                    double[] withSearch = insert ? runInserts(mode, db, async, queries, idPrefix)
                            : run(mode, db, async, queries, params, true);
                    double[] threadOnly = run(mode, db, async, queries, params, false);
                    for (int f = 0; f < 3 && round >= 0; f++) {
                        search[mode.ordinal()][f][round] = withSearch[f];
                        empty[mode.ordinal()][f][round] = threadOnly[f];
                    }
                }
            }
            double warmedQps = RunnerSupport.median(search[Mode.WARMED.ordinal()][0]);
            double warmedCpu = RunnerSupport.median(search[Mode.WARMED.ordinal()][1]);
            for (Mode mode : Mode.values()) {
                double[][] m = search[mode.ordinal()];
                double[][] e = empty[mode.ordinal()];
                // The search's own CPU: the call's minus the same thread mode's empty task (its start alone).
                double searchCpu = RunnerSupport.median(m[1]) - RunnerSupport.median(e[1]);
                double warmedSearchCpu = warmedCpu - RunnerSupport.median(empty[Mode.WARMED.ordinal()][1]);
                System.out.printf(Locale.ROOT, "mode=%-17s qps_median=%.0f qps_ratio=%.3f cpu_us_per_call=%.1f"
                                + " cpu_ratio=%.3f alloc_bytes_per_call=%.0f | thread_only: cpu_us=%.1f"
                                + " alloc_bytes=%.0f | search_cpu_us=%.1f search_cpu_ratio=%.3f | qps_rounds=%s%n",
                        mode.name().toLowerCase(Locale.ROOT),
                        RunnerSupport.median(m[0]), RunnerSupport.median(m[0]) / warmedQps, RunnerSupport.median(m[1]), RunnerSupport.median(m[1]) / warmedCpu,
                        RunnerSupport.median(m[2]), RunnerSupport.median(e[1]), RunnerSupport.median(e[2]), searchCpu, searchCpu / warmedSearchCpu,
                        Arrays.toString(Arrays.stream(m[0]).mapToLong(Math::round).toArray()));
            }
            perCall.shutdown();
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * One mode over all queries: {queries per second, process CPU microseconds per call, heap bytes allocated per
     * call}; with {@code search} false the task is empty (the thread's cost alone).
     */
    private static double[] run(Mode mode, Database db, AsyncDatabase async, float[][] queries, SearchParams params,
                                boolean search) throws InterruptedException {
        long cpu0 = PROCESS.getProcessCpuTime();
        long alloc0 = THREADS.getTotalThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (float[] q : queries) {
            if (mode != Mode.ASYNC) {
                runAs(mode, search ? () -> db.search(q, params) : () -> { });
            } else if (search) {
                async.search(q, params).join();
            } else {
                async.count().join();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuUs = (PROCESS.getProcessCpuTime() - cpu0) / 1e3;
        double alloc = THREADS.getTotalThreadAllocatedBytes() - alloc0;
        int n = queries.length;
        return new double[] {n / seconds, cpuUs / n, alloc / n};
    }

    /** Runs {@code task} the way {@code mode} runs a call; {@code ASYNC} calls go through {@link AsyncDatabase}. */
    private static void runAs(Mode mode, Runnable task) throws InterruptedException {
        switch (mode) {
            case WARMED -> task.run();
            case PLATFORM -> Thread.ofPlatform().start(task).join();
            case VIRTUAL -> Thread.ofVirtual().start(task).join();
            case SPAWN_THEN_WARMED -> {
                Thread.ofPlatform().start(() -> { }).join();
                task.run();
            }
            case PAUSE_THEN_WARMED -> {
                LockSupport.parkNanos(PAUSE_NANOS);
                task.run();
            }
            case THRASH_THEN_WARMED -> {
                byte value = (byte) ++thrashRound;
                for (int i = 0; i < THRASH_BYTES; i += 64) {
                    THRASH[i] = value;
                }
                task.run();
            }
            case ASYNC -> throw new IllegalArgumentException("an AsyncDatabase call is not a task on a thread");
        }
    }

    /** Like {@link #run} with every call adding {@code queries[i]} under id {@code idPrefix + i}. */
    private static double[] runInserts(Mode mode, Database db, AsyncDatabase async, float[][] queries,
                                       String idPrefix) throws InterruptedException {
        long cpu0 = PROCESS.getProcessCpuTime();
        long alloc0 = THREADS.getTotalThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < queries.length; i++) {
            String id = idPrefix + i;
            float[] vector = queries[i];
            if (mode != Mode.ASYNC) {
                runAs(mode, () -> db.add(id, vector));
            } else {
                async.add(id, vector).join();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuUs = (PROCESS.getProcessCpuTime() - cpu0) / 1e3;
        double alloc = THREADS.getTotalThreadAllocatedBytes() - alloc0;
        int n = queries.length;
        return new double[] {n / seconds, cpuUs / n, alloc / n};
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




}
