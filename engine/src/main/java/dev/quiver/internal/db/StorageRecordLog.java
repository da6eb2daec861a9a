package dev.quiver.internal.db;

import dev.quiver.ClosedDatabaseException;
import dev.quiver.CorruptDataException;
import dev.quiver.storage.wal.LogDamageException;
import dev.quiver.storage.wal.WalOpenMode;
import dev.quiver.storage.DatabaseDirectory;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.wal.WalFormat;
import dev.quiver.storage.wal.WalReader;
import dev.quiver.storage.wal.WalRecordHandler;
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

    /**
     * System property: {@code true} opens a database whose log is damaged (a sealed segment that does not read to
     * its end, a missing log the saved state says exists) up to the damage, renaming what follows aside
     * ({@code *.damaged-<millis>}); by default such an open is refused with {@link CorruptDataException}.
     */
    public static final String OPEN_UP_TO_DAMAGE_PROPERTY = "quiver.openUpToLogDamage";

    /** Opens the storage log, replaying the records after {@code afterLsn} into {@code handler}. */
    @FunctionalInterface
    interface WalOpener {
        WalWriter open(long afterLsn, WalRecordHandler handler, WalOpenMode mode);
    }

    private final Path directory;
    private final WalOpener opener;
    private final long maxAppendBytes;
    private volatile WalWriter writer;

    private StorageRecordLog(Path directory, WalOpener opener, long maxAppendBytes) {
        this.directory = directory;
        this.opener = opener;
        this.maxAppendBytes = maxAppendBytes;
    }

    /**
     * The log of an open {@link DatabaseDirectory}: the store opens it (after the lock and the generations, the order
     * it
     * guarantees) and replays from the LSN its current generation covers, which must be where the database asks.
     */
    public static StorageRecordLog of(DatabaseDirectory store) {
        return new StorageRecordLog(store.directory(), (afterLsn, handler, mode) -> {
            Generation g = store.current();
            long covered = g == null ? 0 : g.walLsn();
            if (afterLsn != covered) {
                throw new IllegalStateException("replay of '" + store.directory() + "' asked from LSN " + afterLsn
                        + ", the current generation covers " + covered);
            }
            return store.openWal(handler, mode);
        }, MAX_APPEND_BYTES);
    }

    /** The log of a directory nobody else opens (tests of the log alone). */
    static StorageRecordLog open(Path directory) {
        return open(directory, MAX_APPEND_BYTES);
    }

    /** With a smaller split size, for tests of the split. */
    static StorageRecordLog open(Path directory, long maxAppendBytes) {
        return new StorageRecordLog(directory,
                (afterLsn, handler, mode) -> WalWriter.open(directory, afterLsn, handler, mode),
                maxAppendBytes);
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
        WalRecovery scanned = null;
        try {
            scanned = StorageErrors.call(() -> WalReader.scan(directory, 0, (lsn, type, payload) -> {
                if (type == WalRecordCodec.TYPE_CREATE) {
                    found[0] = (WalRecord.Create) decode(directory, lsn, type, payload);
                }
                throw FirstRecordSeen.INSTANCE;
            }));
        } catch (FirstRecordSeen stop) {
            // Stopped after the first record: the rest of the log is replayed later, once.
        }
        if (found[0] == null && scanned != null && scanned.damaged()) {
            // Not "no database": a log whose first segment is damaged (empty, bad header) lost its CREATE record.
            throw new CorruptDataException("corrupt data: " + scanned.tornFile() + ": " + scanned.reason()
                    + " (the log of a database never saved; its first record is unreadable)");
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
        WalOpenMode mode = Boolean.getBoolean(OPEN_UP_TO_DAMAGE_PROPERTY) ? WalOpenMode.OPEN_UP_TO_DAMAGE
                : WalOpenMode.REFUSE_DAMAGE;
        WalWriter w;
        try {
            w = opener.open(afterLsn, (lsn, type, payload) -> sink.accept(lsn, decode(directory, lsn, type, payload)),
                    mode);
        } catch (LogDamageException e) {
            throw new CorruptDataException("corrupt data: " + e.getMessage() + " (-D" + OPEN_UP_TO_DAMAGE_PROPERTY
                    + "=true opens up to the damage and renames what follows aside)", e);
        } catch (dev.quiver.storage.StorageFailure e) {
            throw StorageErrors.map(e);
        }
        w.maxWriteBytes(maxAppendBytes);
        writer = w;
        if (w.recovery().damaged()) {
            System.getLogger(StorageRecordLog.class.getName()).log(System.Logger.Level.WARNING,
                    "database at ''{0}'' opened up to log damage: {1}", directory, w.recovery());
        }
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
     * Appends the records as one batch: recovery applies all of them or none, even when the batch is written in
     * several writes of at most {@value #MAX_APPEND_BYTES} bytes (so the log's encode buffer stays bounded).
     */
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
