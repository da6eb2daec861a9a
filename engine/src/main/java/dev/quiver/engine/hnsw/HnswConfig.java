package dev.quiver.engine.hnsw;

import dev.quiver.Metric;

/**
 * Build parameters of an {@link HnswIndex}.
 *
 * @param dim            vector length, at least 1
 * @param metric         distance definition (cosine = 1 - cos, euclidean = squared L2, dot = negative inner product)
 * @param m              maximum degree on the upper layers; layer 0 allows {@code 2 * m}. At least 2.
 * @param efConstruction beam width while linking a new node, at least 1
 * @param seed           seed of the level draw; a single-threaded build with a fixed seed is deterministic
 * @param buildThreads   threads used by {@link HnswIndex#insertBatch}; 0 means all available processors
 * @param exactCutover   {@code AUTO} searches scan exactly while {@code liveCount * dim} is below this (measured in
 *                       bench/results/hnsw.md); 0 disables the automatic exact path
 */
public record HnswConfig(int dim, Metric metric, int m, int efConstruction, long seed, int buildThreads,
                         long exactCutover) {

    /** Default maximum degree of the upper layers. */
    public static final int DEFAULT_M = 16;
    /** Default beam width while linking. */
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    /**
     * Default exact-path cut-over in {@code liveCount * dim} units: below it an exact SIMD scan beats the graph at
     * the default efSearch on the measured data sets (bench/results/hnsw.md, "Exact-path cut-over").
     */
    public static final long DEFAULT_EXACT_CUTOVER = 200_000L;
    /** Highest level a node can be drawn at; keeps a pathological draw from creating a tall, empty tower. */
    public static final int MAX_LEVEL = 16;

    public HnswConfig {
        if (dim < 1) throw new IllegalArgumentException("dim must be at least 1, got " + dim);
        if (metric == null) throw new IllegalArgumentException("metric must not be null");
        if (m < 2) throw new IllegalArgumentException("m must be at least 2, got " + m);
        if (m > 512) throw new IllegalArgumentException("m must be at most 512, got " + m);
        if (efConstruction < 1) throw new IllegalArgumentException("efConstruction must be at least 1, got " + efConstruction);
        if (buildThreads < 0) throw new IllegalArgumentException("buildThreads must be >= 0, got " + buildThreads);
        if (exactCutover < 0) throw new IllegalArgumentException("exactCutover must be >= 0, got " + exactCutover);
    }

    /** The configuration with the measured default exact-path cut-over. */
    public HnswConfig(int dim, Metric metric, int m, int efConstruction, long seed, int buildThreads) {
        this(dim, metric, m, efConstruction, seed, buildThreads, DEFAULT_EXACT_CUTOVER);
    }

    /** Defaults: M 16, efConstruction 200, seed 42, all processors. */
    public static HnswConfig of(int dim, Metric metric) {
        return new HnswConfig(dim, metric, DEFAULT_M, DEFAULT_EF_CONSTRUCTION, 42L, 0);
    }

    /** Layer-0 maximum degree (M0 = 2M). */
    public int maxDegree0() {
        return 2 * m;
    }

    /** Threads a batch build actually uses. */
    public int effectiveBuildThreads() {
        return buildThreads == 0 ? Runtime.getRuntime().availableProcessors() : buildThreads;
    }

    public HnswConfig withExactCutover(long cutover) {
        return new HnswConfig(dim, metric, m, efConstruction, seed, buildThreads, cutover);
    }

    public HnswConfig withBuildThreads(int threads) {
        return new HnswConfig(dim, metric, m, efConstruction, seed, threads, exactCutover);
    }
}
