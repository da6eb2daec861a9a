package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput of one database searched by one thread, by two threads calling {@code search} side by side, and by one
 * {@code searchMany} call over the same queries (issue #13, goal 4: two threads >= 1.8x one; searchMany as fast as two
 * threads). Public API only. Modes alternate within each round (A/B/C, A/B/C...), each timed for at least
 * {@code seconds}; medians over the rounds. Meaningful only on a machine with two idle cores: print {@code uptime}
 * beside it.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.ParallelSearchRunner DATASET_DIR metric=cosine [ef=80] [rounds=5] [seconds=2]
 * </pre>
 */
public final class ParallelSearchRunner {

    private enum Mode { ONE_THREAD, TWO_THREADS, SEARCH_MANY }

    private ParallelSearchRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Metric metric = Metric.parse(RunnerSupport.option(args, "metric", "euclidean"));
        int ef = RunnerSupport.option(args, "ef", 80);
        int rounds = RunnerSupport.option(args, "rounds", 5);
        double seconds = Double.parseDouble(RunnerSupport.option(args, "seconds", "2"));
        float[][] base = HnswRunner.readFvecs(source.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = HnswRunner.readFvecs(source.resolve("query.fvecs"), Integer.MAX_VALUE);
        Path dir = Files.createTempDirectory("quiver-parallel");
        try (Database db = Database.open(dir.resolve("db"), Config.dim(base[0].length).metric(metric))) {
            List<String> ids = new ArrayList<>(base.length);
            for (int i = 0; i < base.length; i++) {
                ids.add(Integer.toString(i));
            }
            db.addMany(ids, base);
            SearchParams params = SearchParams.k(10).efSearch(ef);
            System.out.printf(Locale.ROOT, "%s: %d x %d, ef=%d, %d queries, %d rounds of >= %.1f s per mode, %d cores%n",
                    source.getFileName(), base.length, base[0].length, ef, queries.length, rounds, seconds,
                    Runtime.getRuntime().availableProcessors());
            double[][] qps = new double[Mode.values().length][rounds];
            for (int round = -1; round < rounds; round++) { // one unmeasured round warms the JIT
                for (Mode mode : Mode.values()) {
                    double q = measure(mode, db, queries, params, seconds);
                    if (round >= 0) {
                        qps[mode.ordinal()][round] = q;
                    }
                }
            }
            double one = RunnerSupport.median(qps[Mode.ONE_THREAD.ordinal()]);
            for (Mode mode : Mode.values()) {
                double m = RunnerSupport.median(qps[mode.ordinal()]);
                System.out.printf(Locale.ROOT, "mode=%-11s qps_median=%.0f ratio_to_one_thread=%.2f rounds=%s%n",
                        mode.name().toLowerCase(Locale.ROOT), m, m / one,
                        java.util.Arrays.toString(java.util.Arrays.stream(qps[mode.ordinal()]).mapToLong(Math::round)
                                .toArray()));
            }
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }

    /** Queries per second of {@code mode}, over whole passes until {@code seconds} have gone by. */
    private static double measure(Mode mode, Database db, float[][] queries, SearchParams params, double seconds)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        long done = 0;
        while (System.nanoTime() < deadline) {
            switch (mode) {
                case ONE_THREAD -> {
                    for (float[] q : queries) {
                        db.search(q, params);
                    }
                }
                case TWO_THREADS -> twoThreads(db, queries, params);
                case SEARCH_MANY -> db.searchMany(queries, params);
            }
            done += queries.length;
        }
        return done / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Two long-lived platform threads, as a server's request threads would be: starting two threads per pass would
     * charge thread creation and cold caches to the search.
     */
    private static final java.util.concurrent.ExecutorService PAIR = java.util.concurrent.Executors
            .newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("search-", 0).unstarted(r));

    /** One pass over the queries by the two threads, each taking the next query from a shared counter. */
    private static void twoThreads(Database db, float[][] queries, SearchParams params) throws InterruptedException {
        AtomicInteger cursor = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            PAIR.execute(() -> {
                try {
                    for (int i = cursor.getAndIncrement(); i < queries.length; i = cursor.getAndIncrement()) {
                        db.search(queries[i], params);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
    }
}
