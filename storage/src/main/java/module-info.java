/**
 * Quiver storage: bytes on disk and off-heap. Growable chunked slabs (optionally backed by copy-on-write mappings of
 * generation files), the write-ahead log, snapshot generations with their manifest, and the directory lock.
 * Depends on nothing outside java.base.
 */
module dev.quiver.storage {
    exports dev.quiver.storage;
    exports dev.quiver.storage.gen;
    exports dev.quiver.storage.wal;
}
