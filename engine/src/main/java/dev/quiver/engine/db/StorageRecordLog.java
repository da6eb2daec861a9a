package dev.quiver.engine.db;

import dev.quiver.ClosedDatabaseException;
import dev.quiver.storage.wal.WalFormat;
import dev.quiver.storage.wal.WalReader;
import dev.quiver.storage.wal.WalRecovery;
import dev.quiver.storage.wal.WalWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link RecordLog} on the storage module's {@link WalWriter}. The writer replays while it opens, so the log is opened
 * by the first {@link #replay} (the database knows the covered LSN only after loading its generation); appending
 * before that is a programming error.
 */
public final class StorageRecordLog implements RecordLog {

    private final Path directory;
    private volatile WalWriter writer;

    private StorageRecordLog(Path directory) {
        this.directory = directory;
    }

    public static StorageRecordLog open(Path directory) {
        return new StorageRecordLog(directory);
    }

    /** Whether {@code directory} holds a write-ahead log segment. */
    public static boolean exists(Path directory) {
        if (Files.exists(directory.resolve(WalFormat.ACTIVE_NAME))) {
            return true;
        }
        try (DirectoryStream<Path> sealed = Files.newDirectoryStream(directory, "wal-*.vctrs")) {
            return sealed.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the log without opening it for writing (used to find the CREATE record of a never-saved database). */
    public static void scan(Path directory, long afterLsn, Sink sink) {
        StorageErrors.call(() -> WalReader.scan(directory, afterLsn,
                (lsn, type, payload) -> sink.accept(lsn, decode(directory, lsn, type, payload))));
    }

    @Override
    public long replay(long afterLsn, Sink sink) {
        if (writer != null) {
            throw new IllegalStateException("log of '" + directory + "' already replayed");
        }
        WalWriter w = StorageErrors.call(() -> WalWriter.open(directory, afterLsn,
                (lsn, type, payload) -> sink.accept(lsn, decode(directory, lsn, type, payload))));
        writer = w;
        WalRecovery recovery = w.recovery();
        return recovery.bytesDropped();
    }

    private static WalRecord decode(Path directory, long lsn, byte type, ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return WalRecordCodec.decode(type, bytes, 0, bytes.length, directory.resolve(WalFormat.ACTIVE_NAME).toString(),
                lsn);
    }

    @Override
    public long append(WalRecord record, boolean force) {
        byte[] payload = WalRecordCodec.encode(record);
        return StorageErrors.call(() -> writer().append(record.type(), payload, 0, payload.length, force));
    }

    @Override
    public long appendAll(List<? extends WalRecord> records, boolean force) {
        byte[] types = new byte[records.size()];
        byte[][] payloads = new byte[records.size()][];
        for (int i = 0; i < types.length; i++) {
            types[i] = records.get(i).type();
            payloads[i] = WalRecordCodec.encode(records.get(i));
        }
        return StorageErrors.call(() -> writer().appendBatch(types, payloads, force));
    }

    @Override
    public long lastLsn() {
        return writer().lastLsn();
    }

    @Override
    public long sizeBytes() {
        WalWriter w = writer;
        return w == null ? 0 : w.sizeBytes();
    }

    @Override
    public void trimUpTo(long lsn) {
        StorageErrors.run(() -> writer().trimUpTo(lsn));
    }

    @Override
    public void close() {
        WalWriter w = writer;
        if (w != null) {
            StorageErrors.run(w::close);
        }
    }

    private WalWriter writer() {
        WalWriter w = writer;
        if (w == null) {
            throw new ClosedDatabaseException("log of '" + directory + "' is not open");
        }
        return w;
    }
}
