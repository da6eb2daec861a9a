package dev.quiver.bench.ann;

import dev.quiver.datasets.VecsFormat;
import dev.quiver.datasets.SharedDatasets;
import dev.quiver.Metric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code --dataset} argument into a {@link Dataset} with ground truth for the chosen metric:
 * <ul>
 *   <li>{@code bigann-10k}, {@code wordnet-minilm-384}: folders under the shared data sets root
 *       ({@code -Dquiver.datasets}, else {@code ../shared/datasets} next to the working directory or one of its
 *       parents);</li>
 *   <li>{@code fashion-mnist}: fetched from Debian into {@link FashionMnist#defaultCacheDir()}; ground truth computed
 *       once and cached there as {@code groundtruth-<metric>.ivecs};</li>
 *   <li>{@code synthetic:N:D}: {@link SyntheticData}, ground truth computed;</li>
 *   <li>{@code hubness:N:D}: {@link HubnessData} (word-embedding-like, cosine by default), ground truth computed;</li>
 *   <li>anything else: a directory with {@code base.fvecs}, {@code query.fvecs}, optional {@code groundtruth.ivecs}
 *       (assumed computed with the data set's metric) and {@code base.meta.jsonl}.</li>
 * </ul>
 * Ground truth is recomputed by brute force whenever the metric asked for is not the one it was made with.
 */
public final class DatasetResolver {

    /** Ground truth depth computed here, like the shared data sets' 100. */
    static final int GROUND_TRUTH_DEPTH = 100;
    static final int DEFAULT_SYNTHETIC_QUERIES = 200;

    private DatasetResolver() {
    }

    /** Where the shared data sets live, or null when no candidate folder exists. */
    public static Path datasetsRoot() {
        return SharedDatasets.root();
    }

    /** The metric a named data set's ground truth uses. */
    static Metric nativeMetric(String name) {
        return name.contains("wordnet") || name.contains("minilm") ? Metric.COSINE : Metric.EUCLIDEAN;
    }

    public static Dataset resolve(String spec, Metric metricOrNull, int queryLimit, int depth, long seed,
                                  int threads) throws IOException {
        int gtDepth = Math.max(depth, GROUND_TRUTH_DEPTH);
        if (spec.startsWith("synthetic:") || spec.startsWith("hubness:")) {
            return synthetic(spec, metricOrNull, queryLimit, gtDepth, seed, threads);
        }
        if (spec.equals("fashion-mnist")) {
            return fashionMnist(metricOrNull, queryLimit, gtDepth, threads);
        }
        Path dir;
        String name;
        if (spec.equals("bigann-10k") || spec.equals("wordnet-minilm-384")) {
            Path root = datasetsRoot();
            if (root == null || !Files.isDirectory(root.resolve(spec))) {
                throw new IOException("data set " + spec + " not found: looked for ../shared/datasets/" + spec
                        + " (set -Dquiver.datasets=DIR to point elsewhere)");
            }
            dir = root.resolve(spec);
            name = spec;
        } else {
            dir = Path.of(spec);
            if (!Files.isDirectory(dir)) {
                throw new IOException("--dataset " + spec + ": not a known name and not a directory");
            }
            name = dir.toAbsolutePath().normalize().getFileName().toString();
        }
        return directory(dir, name, metricOrNull, queryLimit, gtDepth, threads);
    }

    private static Dataset directory(Path dir, String name, Metric metricOrNull, int queryLimit, int gtDepth,
                                     int threads) throws IOException {
        Metric nativeMetric = nativeMetric(name);
        Metric metric = metricOrNull != null ? metricOrNull : nativeMetric;
        float[][] base = VecsFormat.readFvecs(dir.resolve("base.fvecs"));
        float[][] queries = limit(VecsFormat.readFvecs(dir.resolve("query.fvecs")), queryLimit);
        Path meta = dir.resolve("base.meta.jsonl");
        List<Map<String, Object>> metadata = Files.isRegularFile(meta) ? MetadataFile.read(meta) : null;
        Path gtFile = dir.resolve("groundtruth.ivecs");
        int[][] gt;
        if (metric == nativeMetric && Files.isRegularFile(gtFile)) {
            gt = limit(VecsFormat.readIvecs(gtFile), queries.length);
        } else {
            gt = GroundTruth.compute(base, queries, metric, gtDepth, null, threads,
                    new Progress("ground truth " + name, System.err));
        }
        return new Dataset(name, metric, base, queries, gt, metadata);
    }

    private static Dataset synthetic(String spec, Metric metricOrNull, int queryLimit, int gtDepth, long seed,
                                     int threads) {
        String[] parts = spec.split(":");
        String kind = parts[0];
        if (parts.length != 3) {
            throw new IllegalArgumentException("synthetic data set must be " + kind + ":N:D, got '" + spec + "'");
        }
        int n;
        int dim;
        try {
            n = Integer.parseInt(parts[1]);
            dim = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("synthetic data set must be " + kind + ":N:D, got '" + spec + "'", e);
        }
        int queryCount = queryLimit > 0 ? queryLimit : DEFAULT_SYNTHETIC_QUERIES;
        boolean hubness = kind.equals("hubness");
        SyntheticData.Vectors v = hubness ? HubnessData.generate(n, dim, queryCount, seed)
                : SyntheticData.generate(n, dim, queryCount, seed);
        List<Map<String, Object>> metadata = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            metadata.add(Map.of("cluster", (long) v.baseCluster()[i], "parity", i % 2 == 0 ? "even" : "odd"));
        }
        Metric metric = metricOrNull != null ? metricOrNull : hubness ? Metric.COSINE : Metric.EUCLIDEAN;
        int[][] gt = GroundTruth.compute(v.base(), v.queries(), metric, gtDepth, null, threads,
                n >= 50_000 ? new Progress("ground truth " + kind, System.err) : Progress.silent());
        return new Dataset(kind + "-" + n + "x" + dim, metric, v.base(), v.queries(), gt, metadata);
    }

    private static Dataset fashionMnist(Metric metricOrNull, int queryLimit, int gtDepth, int threads)
            throws IOException {
        Path cache = FashionMnist.defaultCacheDir();
        FashionMnist.Raw raw = FashionMnist.load(cache);
        Metric metric = metricOrNull != null ? metricOrNull : Metric.EUCLIDEAN;
        Path gtFile = cache.resolve("groundtruth-" + metric.canonicalName() + ".ivecs");
        int[][] gt = Files.isRegularFile(gtFile) ? VecsFormat.readIvecs(gtFile) : null;
        if (gt == null || gt.length != raw.queries().length || gt[0].length < gtDepth) {
            // Computed for every query once, so later runs with any --queries reuse it.
            gt = GroundTruth.compute(raw.base(), raw.queries(), metric, gtDepth, null, threads,
                    new Progress("ground truth fashion-mnist", System.err));
            VecsFormat.writeIvecs(gtFile, gt);
        }
        float[][] queries = limit(raw.queries(), queryLimit);
        return new Dataset("fashion-mnist", metric, raw.base(), queries, limit(gt, queries.length),
                raw.baseMetadata());
    }

    private static float[][] limit(float[][] rows, int limit) {
        return limit > 0 && limit < rows.length ? java.util.Arrays.copyOf(rows, limit) : rows;
    }

    private static int[][] limit(int[][] rows, int limit) {
        return limit > 0 && limit < rows.length ? java.util.Arrays.copyOf(rows, limit) : rows;
    }
}
