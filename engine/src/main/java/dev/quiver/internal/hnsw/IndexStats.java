package dev.quiver.internal.hnsw;

/**
 * Shape and memory of an index.
 *
 * @param numLayers      layers in use (max level + 1), 0 when empty
 * @param avgDegree0     mean layer-0 degree over live nodes
 * @param maxDegree0     largest layer-0 degree over live nodes
 * @param minDegree0     smallest layer-0 degree over live nodes (0 when empty)
 * @param vectorBytes    off-heap bytes reserved for vectors and norms
 * @param graphBytes     off-heap bytes reserved for the layers and node table
 * @param quantizedBytes off-heap bytes of the SQ8 codes (0 when the index holds no codes: neither SQ8 traversal nor a code-scan plan)
 * @param usesExactPath  whether an {@code AUTO} unfiltered search for k = 10 at the default efSearch currently
 *                       scans exactly
 */
public record IndexStats(int numLayers, double avgDegree0, int maxDegree0, int minDegree0,
                         long vectorBytes, long graphBytes, long quantizedBytes, boolean usesExactPath) {

    /** The stats of a graph: its layers and its live nodes' layer-0 degrees over the first {@code totalSlots}. */
    static IndexStats of(GraphLayers layers, int numLayers, int totalSlots, long vectorBytes, long quantizedBytes,
                         boolean usesExactPath) {
        long sum = 0;
        int max = 0;
        int min = Integer.MAX_VALUE;
        int count = 0;
        for (int s = 0; s < totalSlots; s++) {
            if (layers.isLive(s)) {
                int d = layers.neighborCount(s, 0);
                sum += d;
                max = Math.max(max, d);
                min = Math.min(min, d);
                count++;
            }
        }
        return new IndexStats(numLayers, count == 0 ? 0 : (double) sum / count, max, count == 0 ? 0 : min,
                vectorBytes, layers.reservedBytes(), quantizedBytes, usesExactPath);
    }
}
