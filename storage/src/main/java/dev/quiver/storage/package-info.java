/**
 * Bytes off-heap and on disk: growable chunked {@link dev.quiver.storage.Slab}s and their typed views
 * ({@link dev.quiver.storage.VectorSlab}, {@link dev.quiver.storage.IntRecordSlab},
 * {@link dev.quiver.storage.ByteRecordSlab}, {@link dev.quiver.storage.FloatSlab}, {@link
 * dev.quiver.storage.LongSlab}),
 * the {@link dev.quiver.storage.DirectoryLock}, the {@link dev.quiver.storage.DatabaseDirectory} facade that opens a
 * database directory in the safe order, and the storage exceptions the engine maps to its public ones.
 * Sub-packages: {@code gen} (generations and the manifest), {@code wal} (the write-ahead log).
 */
package dev.quiver.storage;
