package dev.quiver;

/**
 * How a database is created (and checked when it is opened). Immutable: every setter returns a new {@code Config}.
 *
 * <pre>{@code
 * Config cfg = Config.dim(384).metric(Metric.COSINE).m(16).efConstruction(200).quantize(true)
 *                    .durability(Durability.SYNC);
 * }</pre>
 *
 * @param dim               vector dimension, at least 1
 * @param metric            distance metric (default cosine)
 * @param m                 HNSW links per node on upper layers, at least 2 (layer 0 has 2m); default 16
 * @param efConstruction    HNSW build beam width, at least 1; default 200
 * @param quantize          keep SQ8 codes on disk and walk them where they pay (float32 re-ranking; see
 *                          {@link Database#quantizedSearch()}); default false
 * @param durability        when a write is acknowledged; default {@link Durability#DEFAULT}
 * @param seed              seed of the level generator, so single-threaded builds are reproducible
 * @param buildThreads      threads for batch inserts and compaction; default all cores
 * @param walCheckpointBytes the write-ahead log is checkpointed (an automatic save) once it grows past this size; a
 *                          checkpoint that fails (a full disk) does not fail the write that ran it, whose record is
 *                          already logged: it is logged as a warning and tried again once the log has grown by as much
 * @param targetRecall      recall@10 the default search aims for (default 0.99): at each save the index measures, on
 *                          a sample of its own vectors left out one at a time, the smallest efSearch that reaches it,
 *                          or chooses the exact scan when the graph cannot reach it for less; a search with an
 *                          explicit {@link SearchParams#efSearch} ignores it. In (0, 1].
 */
public record Config(int dim, Metric metric, int m, int efConstruction, boolean quantize, Durability durability,
                     long seed, int buildThreads, long walCheckpointBytes, double targetRecall) {

    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    public static final long DEFAULT_SEED = 42L;
    public static final long DEFAULT_WAL_CHECKPOINT_BYTES = 256L << 20;
    public static final double DEFAULT_TARGET_RECALL = 0.99;
    /** Upper bound on m, so a layer-0 record (2m ints plus a count) stays small. */
    public static final int MAX_M = 512;
    /** Upper bound on the dimension (the SQ8 integer kernels stay exact below it). */
    public static final int MAX_DIM = 65_535;

    public Config {
        if (dim < 1 || dim > MAX_DIM) {
            throw new InvalidArgumentException("dim must be between 1 and " + MAX_DIM + ", got " + dim);
        }
        if (metric == null) {
            throw new InvalidArgumentException("metric must not be null");
        }
        if (quantize) {
            dev.quiver.internal.quant.Sq8Codes.requireSupported(dim, "quantize");
        }
        if (m < 2 || m > MAX_M) {
            throw new InvalidArgumentException("m must be between 2 and " + MAX_M + ", got " + m);
        }
        if (efConstruction < 1) {
            throw new InvalidArgumentException("efConstruction must be at least 1, got " + efConstruction);
        }
        if (durability == null) {
            throw new InvalidArgumentException("durability must not be null");
        }
        if (buildThreads < 1) {
            throw new InvalidArgumentException("buildThreads must be at least 1, got " + buildThreads);
        }
        if (walCheckpointBytes < 1) {
            throw new InvalidArgumentException("walCheckpointBytes must be positive, got " + walCheckpointBytes);
        }
        if (!(targetRecall > 0 && targetRecall <= 1)) {
            throw new InvalidArgumentException("targetRecall must be in (0, 1], got " + targetRecall);
        }
    }

    /** A configuration with the given dimension and every other setting at its default. */
    public static Config dim(int dim) {
        return new Config(dim, Metric.COSINE, DEFAULT_M, DEFAULT_EF_CONSTRUCTION, false, Durability.DEFAULT,
                DEFAULT_SEED, Runtime.getRuntime().availableProcessors(), DEFAULT_WAL_CHECKPOINT_BYTES,
                DEFAULT_TARGET_RECALL);
    }

    public Config metric(Metric metric) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    /** Accepts the vctrs names: cosine, euclidean, l2, dot, dot_product. */
    public Config metric(String metricName) {
        return metric(Metric.parse(metricName));
    }

    public Config m(int m) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config efConstruction(int efConstruction) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config quantize(boolean quantize) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config durability(Durability durability) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config seed(long seed) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config buildThreads(int buildThreads) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config walCheckpointBytes(long walCheckpointBytes) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }

    public Config targetRecall(double targetRecall) {
        return new Config(dim, metric, m, efConstruction, quantize, durability, seed, buildThreads, walCheckpointBytes,
                targetRecall);
    }
}
