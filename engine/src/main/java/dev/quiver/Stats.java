package dev.quiver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a database's shape. {@link #toMap()} has the vctrs snake_case keys first, then Quiver's own.
 *
 * @param numVectors             live records
 * @param numDeleted             tombstoned slots awaiting compaction
 * @param numLayers              HNSW layers (0 when empty)
 * @param avgDegreeLayer0        mean layer-0 out-degree over live nodes
 * @param maxDegreeLayer0        max layer-0 out-degree over live nodes
 * @param minDegreeLayer0        min layer-0 out-degree over live nodes
 * @param memoryVectorsBytes     off-heap bytes reserved for the float32 vectors and their norms (all slots; records
 *                               padded as DEPARTURES.md E12 says, slabs grown in whole chunks, so a tiny database
 *                               shows a chunk, not vctrs's 4 x floats stored)
 * @param memoryGraphBytes       off-heap bytes reserved for the adjacency lists (fixed-size lists, whole chunks)
 * @param memoryQuantizedBytes   off-heap bytes reserved for SQ8 codes and quantizer parameters (0 when off)
 * @param usesBruteForce         whether an unfiltered search would take the exact path now
 * @param usesQuantizedSearch    whether quantized search is on (SQ8 codes held for traversal; vctrs's property)
 * @param generation             number of the last saved generation (0 before the first save)
 * @param walBytes               current size of the write-ahead log
 * @param walBytesDroppedAtRecovery bytes of torn or corrupt log tail dropped at the last open
 * @param durability             the configured durability
 * @param defaultEfSearch        beam width of a k = 10 search without an explicit efSearch: measured at the last save
 *                               toward {@link Config#targetRecall}, vctrs's 200 before it, 0 when such a search
 *                               scans exactly because the graph cannot reach the target for less
 * @param defaultRerank          when that default is a scan over the SQ8 codes, how many of the scan's best candidates
 *                               a k = 10 search re-ranks with float32 (measured at the last save toward the same
 *                               target); 0 when the default walks the graph or scans float32
 * @param walksCodes             whether a graph walk started now scores SQ8 codes: quantized search is on and the
 *                               codes pay at this size and dimension (float32 vectors beyond the last-level cache,
 *                               or 384 dimensions and more); otherwise quantized walks stay on float32, which is
 *                               faster there and exact
 */
public record Stats(long numVectors, long numDeleted, int numLayers, double avgDegreeLayer0, int maxDegreeLayer0,
                    int minDegreeLayer0, long memoryVectorsBytes, long memoryGraphBytes, long memoryQuantizedBytes,
                    boolean usesBruteForce, boolean usesQuantizedSearch, long generation, long walBytes,
                    long walBytesDroppedAtRecovery, Durability durability, int defaultEfSearch, int defaultRerank,
                    boolean walksCodes) {

    /** The vctrs keys ({@code num_vectors} ... {@code uses_quantized_search}), then Quiver's own, in that order. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("num_vectors", numVectors);
        map.put("num_deleted", numDeleted);
        map.put("num_layers", numLayers);
        map.put("avg_degree_layer0", avgDegreeLayer0);
        map.put("max_degree_layer0", maxDegreeLayer0);
        map.put("min_degree_layer0", minDegreeLayer0);
        map.put("memory_vectors_bytes", memoryVectorsBytes);
        map.put("memory_graph_bytes", memoryGraphBytes);
        map.put("memory_quantized_bytes", memoryQuantizedBytes);
        map.put("uses_brute_force", usesBruteForce);
        map.put("uses_quantized_search", usesQuantizedSearch);
        map.put("generation", generation);
        map.put("wal_bytes", walBytes);
        map.put("wal_bytes_dropped_at_recovery", walBytesDroppedAtRecovery);
        map.put("durability", durability.name().toLowerCase(java.util.Locale.ROOT));
        map.put("default_ef_search", defaultEfSearch);
        map.put("default_rerank", defaultRerank);
        map.put("walks_codes", walksCodes);
        return map;
    }
}
