/**
 * The HNSW index over off-heap slabs (internal; the database wraps it).
 *
 * <p>Roles: {@link dev.quiver.internal.hnsw.HnswIndex} (the facade: slots, writes, searches, compaction, persistence),
 * {@code VectorStore} (vectors, norms and the metric), {@code GraphLayers} (adjacency slabs, node table, the seqlock
 * that keeps lock-free readers from torn lists, striped writer locks), {@code GraphSearcher} (greedy descent and beam
 * search, filtered and two-hop), {@code GraphLinker} (insert, back-links, pruning, tombstone repair),
 * {@code NeighborSelector} (the diversity heuristic), {@code ExactScanner} (the exact path), {@code IndexFiles}
 * (the saved format). SQ8 codes live in {@link dev.quiver.internal.quant}.
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.hnsw;
