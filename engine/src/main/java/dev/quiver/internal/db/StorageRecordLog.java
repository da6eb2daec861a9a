package dev.quiver.internal.db;

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
    private final long maxAppendBytes;
    private volatile WalWriter writer;

    private StorageRecordLog(Path directory, long maxAppendBytes) {
        this.directory = directory;
        this.maxAppendBytes = maxAppendBytes;
    }

    public static StorageRecordLog open(Path directory) {
        return new StorageRecordLog(directory, MAX_APPEND_BYTES);
    }

    /** With a smaller split size, for tests of the split. */
    static StorageRecordLog open(Path directory, long maxAppendBytes) {
        return new StorageRecordLog(directory, maxAppendBytes);
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

    /**
     * The CREATE record of a never-saved database: the first record of its log (the database writes it before any
     * other). Reads only that record, without opening the log for writing; null when the log is empty or does not
     * start with one.
     */
    public static WalRecord.Create findCreate(Path directory) {
        WalRecord.Create[] found = new WalRecord.Create[1];
        try {
            StorageErrors.call(() -> WalReader.scan(directory, 0, (lsn, type, payload) -> {
                if (type == WalRecordCodec.TYPE_CREATE) {
                    found[0] = (WalRecord.Create) decode(directory, lsn, type, payload);
                }
                throw FirstRecordSeen.INSTANCE;
            }));
        } catch (FirstRecordSeen stop) {
            // Stopped after the first record: the rest of the log is replayed later, once.
        }
        return found[0];
    }

    /** Ends a scan after its first record (no stack trace: it is control flow). */
    private static final class FirstRecordSeen extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final FirstRecordSeen INSTANCE = new FirstRecordSeen();

        private FirstRecordSeen() {
            super(null, null, false, false);
        }
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

    /**
     * Appends in one write per {@value #MAX_APPEND_BYTES} bytes: a larger batch (hundreds of thousands of vectors)
     * is split so the log's encode buffer stays bounded. A crash between two of those writes recovers a prefix of
     * the batch; the call had not returned, so no acknowledged write is lost.
     */
    @Override
    public long appendAll(List<? extends WalRecord> records, boolean force) {
        long last = -1;
        int from = 0;
        while (from < records.size()) {
            int to = from;
            long bytes = 0;
            List<byte[]> payloads = new java.util.ArrayList<>();
            while (to < records.size() && (to == from || bytes < maxAppendBytes)) {
                byte[] payload = WalRecordCodec.encode(records.get(to));
                payloads.add(payload);
                bytes += payload.length;
                to++;
            }
            byte[] types = new byte[to - from];
            for (int i = 0; i < types.length; i++) {
                types[i] = records.get(from + i).type();
            }
            byte[][] chunk = payloads.toArray(new byte[0][]);
            boolean forceNow = force && to == records.size();
            last = StorageErrors.call(() -> writer().appendBatch(types, chunk, forceNow));
            from = to;
        }
        return last;
    }

    /** Largest single append of a batch, in payload bytes. */
    static final long MAX_APPEND_BYTES = 64L << 20;

    @Override
    public void sync() {
        StorageErrors.run(() -> writer().sync());
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
    public long roll() {
        return StorageErrors.call(() -> writer().roll());
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
