package dev.quiver.internal.db;

import java.util.List;

/**
 * The database's view of its write-ahead log: typed records in, typed records out. The storage module owns the
 * bytes (framing, checksums, torn tails, group commit); {@link StorageRecordLog} adapts it.
 */
public interface RecordLog extends AutoCloseable {

    /** Appends one record; returns its log sequence number. With {@code force} it is on the device on return. */
    long append(WalRecord record, boolean force);

    /** Appends records as one batch (one write, at most one force); returns the sequence number of the last. */
    long appendAll(List<? extends WalRecord> records, boolean force);

    /**
     * Forces every record appended so far to the device. Concurrent callers share forces (group commit), so writers
     * append under their lock without forcing and call this after releasing it.
     */
    void sync();

    /** Sequence number of the last record appended or replayed (0 when the log is empty). */
    long lastLsn();

    /** Current size of the log on disk, in bytes. */
    long sizeBytes();

    /** Receives replayed records, in log order. */
    @FunctionalInterface
    interface Sink {
        void accept(long lsn, WalRecord record);
    }

    /**
     * Replays every record after {@code afterLsn}, in order. A torn or corrupt tail is cut at the last good record.
     *
     * @return bytes dropped from the tail (0 when the log was clean)
     */
    long replay(long afterLsn, Sink sink);

    /**
     * Seals the segment being appended to and starts a new one; returns the sequence number of the last sealed record.
     * A save rolls before it trims, so records appended while it runs land in a new segment and the covered ones can
     * be dropped whole.
     */
    long roll();

    /** Drops every record up to and including {@code lsn} (they are in a saved generation). */
    void trimUpTo(long lsn);

    @Override
    void close();
}
