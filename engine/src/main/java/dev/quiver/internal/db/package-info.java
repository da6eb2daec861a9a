/**
 * The database core behind {@link dev.quiver.Database}: the directory on disk
 * ({@link dev.quiver.internal.db.DbStore}), the write-ahead log's typed records
 * ({@link dev.quiver.internal.db.RecordLog}, {@link dev.quiver.internal.db.WalRecord}), ids and metadata
 * ({@link dev.quiver.internal.db.Catalog}), the filter index, the query planner, JSON transfer and the checks at the
 * public boundary.
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.db;
