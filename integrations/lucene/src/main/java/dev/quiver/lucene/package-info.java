/**
 * Quiver's HNSW as a Lucene {@link org.apache.lucene.codecs.KnnVectorsFormat}: {@link
 * dev.quiver.lucene.QuiverHnswVectorsFormat} (SPI name {@code QuiverHnsw}). Lucene, or a cluster built on it, owns
 * documents, segments, deletions and replication; the format builds, merges and searches one segment's graph with the
 * engine's HNSW internals (no database layer: no WAL, id map or metadata index inside Lucene).
 *
 * <p>Files per segment: {@code .qvm} (metadata) and {@code .qvd} (vectors, norms, ord-to-doc map, graph), both with
 * Lucene's index headers and checksum footers; byte-vector fields add the files of the delegate Lucene99 format.
 */
package dev.quiver.lucene;
