package dev.quiver.storage.wal;

import java.nio.ByteBuffer;

/** Receives replayed WAL records in LSN order. */
@FunctionalInterface
public interface WalRecordHandler {
    /**
     * @param payload the record's payload, little-endian, positioned at its start; valid only during this call
     */
    void accept(long lsn, byte type, ByteBuffer payload);
}
