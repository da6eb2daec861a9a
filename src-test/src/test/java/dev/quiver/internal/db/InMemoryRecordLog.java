package dev.quiver.internal.db;

import dev.quiver.ClosedDatabaseException;
import dev.quiver.StorageException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A {@link RecordLog} in memory, for tests of the database's write protocol without files. Records are kept encoded
 * (through {@link WalRecordCodec}, as the real log does), so replay hands out fresh decoded copies. It survives its
 * own {@link #close()}: a test reopens a database on the same instance, as a process would on the same directory.
 * Appends can be made to fail, and it counts appends and forces.
 */
final class InMemoryRecordLog implements RecordLog {

    private record Entry(long lsn, byte type, byte[] payload) { }

    private final List<Entry> entries = new ArrayList<>();
    private long nextLsn = 1;
    private boolean open;

    int appends;
    int batchAppends;
    int syncs;
    /** Asked before every append: true makes it fail with an I/O-style error, appending nothing. */
    BooleanSupplier failNextAppend = () -> false;
    /** Run inside every {@link #sync()} (tests inspect the caller's locks there). */
    Runnable onSync = () -> { };

    @Override
    public synchronized long append(WalRecord record, boolean force) {
        checkAppend();
        appends++;
        return add(record);
    }

    @Override
    public synchronized long appendAll(List<? extends WalRecord> records, boolean force) {
        checkAppend();
        batchAppends++;
        long last = -1;
        for (WalRecord r : records) {
            last = add(r);
        }
        return last;
    }

    private void checkAppend() {
        if (!open) {
            throw new ClosedDatabaseException("in-memory log is not open");
        }
        if (failNextAppend.getAsBoolean()) {
            throw new StorageException("io error: injected append failure");
        }
    }

    private long add(WalRecord r) {
        long lsn = nextLsn++;
        entries.add(new Entry(lsn, r.type(), WalRecordCodec.encode(r)));
        return lsn;
    }

    @Override
    public void sync() {
        onSync.run();
        synchronized (this) {
            syncs++;
        }
    }

    @Override
    public synchronized long lastLsn() {
        return nextLsn - 1;
    }

    @Override
    public synchronized long sizeBytes() {
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.payload().length + 16;  // payload plus a frame, roughly as on disk
        }
        return bytes;
    }

    @Override
    public synchronized long replay(long afterLsn, Sink sink) {
        if (open) {
            throw new IllegalStateException("in-memory log already replayed");
        }
        for (Entry e : List.copyOf(entries)) {
            if (e.lsn() > afterLsn) {
                sink.accept(e.lsn(), WalRecordCodec.decode(e.type(), e.payload(), 0, e.payload().length, "memory",
                        e.lsn()));
            }
        }
        open = true;
        return 0;
    }

    @Override
    public synchronized long roll() {
        return nextLsn - 1;
    }

    @Override
    public synchronized void trimUpTo(long lsn) {
        entries.removeIf(e -> e.lsn() <= lsn);
    }

    /** The CREATE record at the head of the log, if any. */
    synchronized WalRecord.Create create() {
        if (entries.isEmpty()) {
            return null;
        }
        Entry first = entries.getFirst();
        WalRecord r = WalRecordCodec.decode(first.type(), first.payload(), 0, first.payload().length, "memory", 1);
        return r instanceof WalRecord.Create c ? c : null;
    }

    synchronized int recordCount() {
        return entries.size();
    }

    @Override
    public synchronized void close() {
        open = false;
    }
}
