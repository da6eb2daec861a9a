/**
 * The write-ahead log: CRC32C-framed records with consecutive LSNs in segment files, group commit, replay that cuts
 * a torn tail and reports it, and checkpoint trimming. Format: {@link dev.quiver.storage.wal.WalFormat}; behaviour:
 * {@link dev.quiver.storage.wal.WalWriter}.
 */
package dev.quiver.storage.wal;
