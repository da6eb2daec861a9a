package dev.quiver.internal.hnsw;

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
 * @param exactScanFactor {@code AUTO} searches scan exactly while the live slots number fewer than
 *                       {@code exactScanFactor * max(efSearch, k)}; 0 disables this unfiltered cut-over (filtered
 *                       searches still scan the accepted slots exactly when they are few). Measured default in
 *                       bench/results/hnsw.md.
 * @param codeWalk       where a quantized index's graph walks score SQ8 codes rather than float32 ({@link
 *                       CodeWalkRule#MEASURED} unless set)
 */
public record HnswConfig(int dim, Metric metric, int m, int efConstruction, long seed, int buildThreads,
                         int exactScanFactor, CodeWalkRule codeWalk) {

    /** Default maximum degree of the upper layers. */
    public static final int DEFAULT_M = 16;
    /** Default beam width while linking. */
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    /**
     * Default exact-path cut-over: the exact SIMD scan of n vectors costs the same CPU time as a k=10 graph search
     * with beam ef at about n = 32 * ef, on both bigann-10k (128-d) and wordnet-minilm-384 (384-d), for ef 50, 100
     * and 200 (bench/results/hnsw.md, "Exact-path cut-over"). Both costs grow with dim, so the ratio does not depend
     * on it. 30 keeps a small margin on the graph's side, where recall is below 1.
     */
    public static final int DEFAULT_EXACT_SCAN_FACTOR = 30;
    /** Highest level a node can be drawn at; keeps a pathological draw from creating a tall, empty tower. */
    public static final int MAX_LEVEL = 16;

    public HnswConfig {
        if (dim < 1) throw new IllegalArgumentException("dim must be at least 1, got " + dim);
        if (metric == null) throw new IllegalArgumentException("metric must not be null");
        if (m < 2) throw new IllegalArgumentException("m must be at least 2, got " + m);
        if (m > 512) throw new IllegalArgumentException("m must be at most 512, got " + m);
        if (efConstruction < 1) throw new IllegalArgumentException("efConstruction must be at least 1, got " + efConstruction);
        if (buildThreads < 0) throw new IllegalArgumentException("buildThreads must be >= 0, got " + buildThreads);
        if (exactScanFactor < 0) {
            throw new IllegalArgumentException("exactScanFactor must be >= 0, got " + exactScanFactor);
        }
        if (codeWalk == null) {
            throw new IllegalArgumentException("codeWalk must not be null");
        }
    }

    /** The configuration with the measured rule for walking codes. */
    public HnswConfig(int dim, Metric metric, int m, int efConstruction, long seed, int buildThreads,
                      int exactScanFactor) {
        this(dim, metric, m, efConstruction, seed, buildThreads, exactScanFactor, CodeWalkRule.MEASURED);
    }

    /** The configuration with the measured default exact-path cut-over. */
    public HnswConfig(int dim, Metric metric, int m, int efConstruction, long seed, int buildThreads) {
        this(dim, metric, m, efConstruction, seed, buildThreads, DEFAULT_EXACT_SCAN_FACTOR);
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

    public HnswConfig withExactScanFactor(int factor) {
        return new HnswConfig(dim, metric, m, efConstruction, seed, buildThreads, factor, codeWalk);
    }

    public HnswConfig withBuildThreads(int threads) {
        return new HnswConfig(dim, metric, m, efConstruction, seed, threads, exactScanFactor, codeWalk);
    }

    public HnswConfig withCodeWalk(CodeWalkRule rule) {
        return new HnswConfig(dim, metric, m, efConstruction, seed, buildThreads, exactScanFactor, rule);
    }
}
