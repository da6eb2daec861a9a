package dev.quiver.bench.ann;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs passes over the query set on a fixed set of query threads, each with its own {@link AnnEngine.Searcher}
 * (created once and reused, as jvector's searchers expect), and measures one ef following reference/peers.md: one
 * warm-up pass, then measured passes repeated until at least {@code minSeconds} have passed. Latency is the wall
 * time of each search call, recorded in nanoseconds into per-thread HdrHistograms. An engine in another process
 * ({@link AnnEngine.OutOfProcess}) runs each pass itself on the same number of threads and reports each call's
 * latency and the pass's wall time as measured there; QPS is searches over the summed wall time of the passes.
 */
final class QueryRunner implements AutoCloseable {

    /** The numbers of one ef. */
    record Measurement(double recall, double qps, double p50Micros, double p99Micros, double cpuMicros) { }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final AnnEngine.Searcher[] searchers;
    private final ExecutorService pool;
    /** Set for an engine in another process: it runs and times whole passes itself. */
    private final AnnEngine.OutOfProcess external;
    private final int threads;

    QueryRunner(AnnEngine engine, RowFilter filter, int threads) throws IOException {
        this.threads = threads;
        if (engine instanceof AnnEngine.OutOfProcess outOfProcess) {
            external = outOfProcess;
            searchers = new AnnEngine.Searcher[0];
            pool = null;
            return;
        }
        external = null;
        searchers = new AnnEngine.Searcher[threads];
        for (int t = 0; t < threads; t++) {
            searchers[t] = engine.newSearcher(filter);
        }
        pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().name("query").unstarted(r));
    }

    /** Answers of one pass, its wall time and the CPU time of its query threads. */
    private record Timed(int[][] answers, long nanos, long cpuNanos) { }

    /** One pass over all queries; returns each query's answer. {@code latencies} may be null (warm-up). */
    int[][] pass(float[][] queries, int k, int ef, Histogram[] latencies) {
        return timedPass(queries, k, ef, latencies).answers();
    }

    private Timed timedPass(float[][] queries, int k, int ef, Histogram[] latencies) {
        if (external != null) {
            return externalPass(queries, k, ef, latencies);
        }
        return inProcessPass(queries, k, ef, latencies, null);
    }

    /**
     * One pass as {@link AnnEngine.Pass}, each query's latency at its own index: what {@link EngineHost} reports
     * for an engine run in a JVM of its own.
     */
    AnnEngine.Pass passWithLatencies(float[][] queries, int k, int ef) {
        long[] latencyNanos = new long[queries.length];
        Timed pass = inProcessPass(queries, k, ef, null, latencyNanos);
        return new AnnEngine.Pass(pass.answers(), latencyNanos, pass.nanos(), pass.cpuNanos());
    }

    private Timed inProcessPass(float[][] queries, int k, int ef, Histogram[] latencies, long[] latencyNanos) {
        if (external != null) {
            throw new IllegalStateException("an out-of-process engine times its own passes");
        }
        long passStart = System.nanoTime();
        int[][] answers = new int[queries.length][];
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
        List<Future<?>> tasks = new ArrayList<>(searchers.length);
        for (int t = 0; t < searchers.length; t++) {
            AnnEngine.Searcher searcher = searchers[t];
            Histogram histogram = latencies == null ? null : latencies[t];
            tasks.add(pool.submit(() -> {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                try {
                    for (int q = next.getAndIncrement(); q < queries.length; q = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        answers[q] = searcher.search(queries[q], k, ef);
                        long elapsed = System.nanoTime() - start;
                        if (histogram != null) {
                            histogram.recordValue(elapsed);
                        }
                        if (latencyNanos != null) {
                            latencyNanos[q] = elapsed;
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
                }
            }));
        }
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a query pass", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("search failed at ef=" + ef + ": " + e.getCause(), e.getCause());
            }
        }
        return new Timed(answers, System.nanoTime() - passStart, cpu.get());
    }

    private Timed externalPass(float[][] queries, int k, int ef, Histogram[] latencies) {
        AnnEngine.Pass pass;
        try {
            pass = external.pass(k, ef, threads);
        } catch (IOException e) {
            throw new UncheckedIOException("external pass failed at ef=" + ef, e);
        }
        if (pass.answers().length != queries.length) {
            throw new IllegalStateException("external engine answered " + pass.answers().length + " of "
                    + queries.length + " queries");
        }
        if (latencies != null) {
            for (long nanos : pass.latencyNanos()) {
                latencies[0].recordValue(nanos);
            }
        }
        return new Timed(pass.answers(), pass.elapsedNanos(), pass.cpuNanos());
    }

    Measurement measure(float[][] queries, int[][] groundTruth, int k, int ef, double minSeconds) {
        pass(queries, k, ef, null);
        Histogram[] latencies = new Histogram[Math.max(1, searchers.length)];
        for (int t = 0; t < latencies.length; t++) {
            latencies[t] = new Histogram(3);
        }
        long minNanos = (long) (minSeconds * 1e9);
        int[][] firstAnswers = null;
        long searches = 0;
        long elapsed = 0;   // sum of the passes' own times (an out-of-process engine times its passes itself)
        long cpuNanos = 0;
        do {
            Timed pass = timedPass(queries, k, ef, latencies);
            if (firstAnswers == null) {
                firstAnswers = pass.answers();
            }
            searches += queries.length;
            elapsed += pass.nanos();
            cpuNanos += pass.cpuNanos();
        } while (elapsed < minNanos);
        Histogram all = new Histogram(3);
        for (Histogram h : latencies) {
            all.add(h);
        }
        return new Measurement(recall(firstAnswers, groundTruth, k), searches / (elapsed / 1e9),
                all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3,
                cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / searches);
    }

    /**
     * Distance evaluations per query at this ef, averaged over the queries in one untimed pass on the calling thread
     * (an engine in another process counts them there); NaN when the engine reports none.
     */
    double evaluationsPerQuery(float[][] queries, int k, int ef) {
        if (external != null) {
            try {
                return external.evaluationsPerQuery(k, ef);
            } catch (IOException e) {
                throw new UncheckedIOException("counting pass failed at ef=" + ef, e);
            }
        }
        if (queries.length == 0) {
            return Double.NaN;
        }
        long total = 0;
        try {
            for (float[] query : queries) {
                long evals = searchers[0].evaluations(query, k, ef);
                if (evals < 0) {
                    return Double.NaN;
                }
                total += evals;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("counting pass failed at ef=" + ef, e);
        }
        return (double) total / queries.length;
    }

    /**
     * Mean over queries of |answer's first k ∩ truth's first k| / min(k, |truth|): a filtered query with fewer than
     * k matching rows is scored against the rows that exist.
     */
    static double recall(int[][] answers, int[][] groundTruth, int k) {
        double total = 0;
        int counted = 0;
        for (int q = 0; q < answers.length; q++) {
            int[] truth = groundTruth[q];
            int expected = Math.min(k, truth.length);
            if (expected == 0) {
                continue;
            }
            java.util.Set<Integer> want = new java.util.HashSet<>();
            for (int i = 0; i < expected; i++) {
                want.add(truth[i]);
            }
            int hits = 0;
            int[] got = answers[q];
            for (int i = 0; i < Math.min(k, got.length); i++) {
                if (want.remove(got[i])) {   // remove: a row returned twice counts once
                    hits++;
                }
            }
            total += (double) hits / expected;
            counted++;
        }
        return counted == 0 ? 1.0 : total / counted;
    }

    @Override
    public void close() throws IOException {
        if (pool != null) {
            pool.shutdown();
        }
        for (AnnEngine.Searcher searcher : searchers) {
            searcher.close();
        }
    }
}
