package dev.quiver.internal.hnsw;

/** How a search runs. */
public enum SearchMode {
    /** Exact scan for small indexes and selective filters, graph traversal otherwise. */
    AUTO,
    /** Always an exact SIMD scan over the live (and accepted) slots. */
    EXACT,
    /** Always the graph (unless the index is empty); a filter that admits fewer than k may still fall back. */
    GRAPH,
    /**
     * A scan over the SQ8 codes keeping the best {@code efSearch} candidates, re-ranked with float32 (the default plan
     * where the graph cannot reach the recall target cheaply, see {@link SearchDefaults#codeScan}); the float32 exact
     * scan when the index holds no codes. Unfiltered searches only.
     */
    CODE_SCAN
}
