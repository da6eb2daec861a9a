package dev.quiver.bench.ann;

import dev.quiver.Metric;

import java.util.List;
import java.util.Map;

/**
 * Vectors to index, queries, and the exact nearest neighbours of each query.
 *
 * @param name         short name used in reports (e.g. {@code bigann-10k})
 * @param metric       the metric the ground truth was computed with
 * @param base         rows to index; row i gets id {@code "i"}
 * @param queries      query vectors
 * @param groundTruth  per query the base rows nearest first (at least k of them)
 * @param baseMetadata per base row a flat JSON object, or {@code null} when the data set has none
 */
public record Dataset(String name, Metric metric, float[][] base, float[][] queries, int[][] groundTruth,
                      List<Map<String, Object>> baseMetadata) {

    public Dataset {
        if (base.length == 0) {
            throw new IllegalArgumentException("data set " + name + " has no base vectors");
        }
        if (groundTruth.length != queries.length) {
            throw new IllegalArgumentException("data set " + name + ": " + queries.length + " queries but "
                    + groundTruth.length + " ground-truth rows");
        }
        if (baseMetadata != null && baseMetadata.size() != base.length) {
            throw new IllegalArgumentException("data set " + name + ": " + base.length + " base rows but "
                    + baseMetadata.size() + " metadata rows");
        }
    }

    public int dim() {
        return base[0].length;
    }

    /** The first {@code count} queries and their ground truth (all of them when count is larger). */
    public Dataset limitQueries(int count) {
        if (count >= queries.length) {
            return this;
        }
        return new Dataset(name, metric, base, java.util.Arrays.copyOf(queries, count),
                java.util.Arrays.copyOf(groundTruth, count), baseMetadata);
    }

    /** The same vectors with other ground truth (a different metric, or a filter). */
    public Dataset withGroundTruth(Metric newMetric, int[][] newGroundTruth) {
        return new Dataset(name, newMetric, base, queries, newGroundTruth, baseMetadata);
    }
}
