package dev.quiver.storage.wal;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a log without changing it (tools, tests, diagnostics): the intact records after an LSN, stopping where
 * {@link WalWriter#open} would cut. Not for a directory whose log is being written.
 */
public final class WalReader {
    /** One record as read. */
    public record Record(long lsn, byte type, byte[] payload) {
    }

    private WalReader() {
    }

    /** Streams intact records with LSN above {@code afterLsn} to {@code handler}; reports what a repair would cut. */
    public static WalRecovery scan(Path dir, long afterLsn, WalRecordHandler handler) {
        return WalScanner.scan(dir, afterLsn, handler, false, WalOpenMode.OPEN_UP_TO_DAMAGE).recovery();
    }

    /** The intact records with LSN above {@code afterLsn}, copied to the heap. */
    public static List<Record> readAll(Path dir, long afterLsn) {
        List<Record> out = new ArrayList<>();
        scan(dir, afterLsn, (lsn, type, payload) -> {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            out.add(new Record(lsn, type, bytes));
        });
        return out;
    }

    /** Whether the log holds any intact record above {@code afterLsn}. */
    public static boolean hasRecordsAfter(Path dir, long afterLsn) {
        return scan(dir, afterLsn, null).recordsReplayed() > 0;
    }

}
