/**
 * The HNSW index over off-heap slabs (internal; the database wraps it).
 *
 * <p>Roles: {@link dev.quiver.internal.hnsw.HnswIndex} (the facade: slots, validation, persistence, delegation),
 * {@code VectorSlabs} (vectors, norms and the metric), {@code GraphLayers} (adjacency slabs, node table, the seqlock
 * that keeps lock-free readers from torn lists, striped writer locks), {@code KnnSearch} (one k-NN search: exact or
 * graph, SQ8 re-rank, budgeted filtered walk, fallback), {@code GraphSearcher} (greedy descent and the beam search a
 * {@code BeamRequest} describes, filtered and two-hop), {@code SearchStatePool} (search scratch lent per call),
 * {@code GraphLinker} (insert, back-links, pruning, list repair), {@code BatchLinker} (batches on several threads),
 * {@code GraphRepair} (update re-link, delete repair, entry moves), {@code NeighborSelector} (the diversity
 * heuristic), {@code ExactScanner} (the exact path), {@code QuantizationLifecycle} (SQ8 codes trained, retrained,
 * switched off and freed), {@code IndexFiles} (the saved format). The SQ8 codec lives in
 * {@link dev.quiver.internal.quant}.
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.hnsw;
