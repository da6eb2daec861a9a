package dev.quiver.bench.ann;

import dev.quiver.Metric;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One engine under test. The runner calls, in order: {@link #build} (timed as build), {@link #open} (timed as open),
 * {@link #newSearcher} once per query thread, then {@link #close}. Before build, {@link #prepare} (untimed). Each engine indexes base row {@code i} under id
 * {@code i} and answers with row numbers, so recall is computed the same way for all.
 */
public interface AnnEngine extends AutoCloseable {

    /** Parameters shared by all engines. */
    record BuildParams(Metric metric, int m, int efConstruction, int buildThreads) { }

    /** One query thread's handle; engines that need per-thread scratch state keep it here. */
    interface Searcher extends AutoCloseable {
        /** The row numbers of (about) the k nearest, nearest first; {@code ef} is the search beam width. */
        int[] search(float[] query, int k, int ef) throws IOException;

        /**
         * The distance evaluations (vectors scored against the query) of the search {@code search(query, k, ef)}
         * runs, from the engine's own counter; -1 when the engine has none. Called in untimed passes only, so it may
         * cost more than the search itself.
         */
        default long evaluations(float[] query, int k, int ef) throws IOException {
            return -1;
        }

        @Override
        default void close() throws IOException {
        }
    }

    /**
     * A peer that runs in another process and times whole query passes there, so a pipe round trip per query is not
     * counted against it; the runner calls {@link #pass} instead of {@link #newSearcher}.
     */
    interface OutOfProcess {
        /** One pass over the queries given to {@link #prepare}; answers per query, each call's latency, the total. */
        Pass pass(int k, int ef, int threads) throws IOException;

        /** Mean distance evaluations per query at this ef, counted in an untimed pass; NaN when not counted. */
        default double evaluationsPerQuery(int k, int ef) throws IOException {
            return Double.NaN;
        }
    }

    /** A pass as timed by the engine itself; {@code cpuNanos} is its query threads' CPU time. */
    record Pass(int[][] answers, long[] latencyNanos, long elapsedNanos, long cpuNanos) { }

    String name();

    /** Null when the engine can run here on this request, else why it is skipped (e.g. a missing package). */
    default String unavailableReason(RowFilter filter) {
        return null;
    }

    /** Untimed staging before {@link #build}, for engines that read the vectors from files. */
    default void prepare(Dataset data, Path dir) throws IOException {
    }

    /** The build time the engine measured itself, or NaN to use the harness's clock around {@link #build}. */
    default double reportedBuildSeconds() {
        return Double.NaN;
    }

    /** The open time the engine measured itself, or NaN to use the harness's clock around {@link #open}. */
    default double reportedOpenMillis() {
        return Double.NaN;
    }

    /**
     * The last {@link #build} split in two: {@code indexSeconds} inserting and linking the vectors, {@code saveSeconds}
     * making the index durable (for Quiver: {@code save} and {@code close}, which includes the default-ef calibration;
     * for hnswlib: {@code save_index}); {@code cpuSeconds} is the engine process's CPU time over both (every thread:
     * builders, and for the JVM engines the JIT compiler and GC), NaN when unknown; {@code jitCpuSeconds} the part of
     * it spent by JIT compiler threads ({@link CompilerThreads}), NaN when unknown or not a JVM engine.
     */
    record BuildSplit(double indexSeconds, double saveSeconds, double cpuSeconds, double jitCpuSeconds) { }

    /** The split of the last build, or null when the engine does not measure one. */
    default BuildSplit buildSplit() {
        return null;
    }

    /**
     * Builds the index from scratch under {@code dir} (an empty directory the engine owns).
     *
     * @param filter when not null, the engine also indexes {@code filter.field()} so searches can filter on it
     */
    void build(Dataset data, BuildParams params, RowFilter filter, Path dir, Progress progress) throws IOException;

    /** Makes the built index searchable (reopens from disk where the engine persists). */
    void open() throws IOException;

    /** False when the index lives only in memory, so there is no open step to time. */
    boolean persistent();

    /** A searcher for one thread, restricted to {@code filter} rows when it is not null. */
    Searcher newSearcher(RowFilter filter) throws IOException;

    /** Size of the index: bytes on disk for persistent engines, estimated RAM otherwise. */
    long indexBytes() throws IOException;

    @Override
    void close() throws IOException;
}
