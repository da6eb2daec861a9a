package dev.quiver.internal.hnsw;

/** How a search runs. */
public enum SearchMode {
    /** Exact scan for small indexes and selective filters, graph traversal otherwise. */
    AUTO,
    /** Always an exact SIMD scan over the live (and accepted) slots. */
    EXACT,
    /** Always the graph (unless the index is empty); a filter that admits fewer than k may still fall back. */
    GRAPH
}
