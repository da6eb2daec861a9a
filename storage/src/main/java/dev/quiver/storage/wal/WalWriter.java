package dev.quiver.storage.wal;

import dev.quiver.storage.ClosedStoreException;
import dev.quiver.storage.FileIo;
import dev.quiver.storage.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The write-ahead log of one database directory (format in {@link WalFormat}).
 *
 * <h2>Durability</h2>
 * {@code append(..., sync=false)} returns once the record is handed to the operating system with one
 * {@code write} (survives a killed process). {@code sync=true} returns once it is forced to the device (survives
 * power loss), with group commit: appenders that need a force while one is in flight wait for the next force, which
 * covers every record written before it started; so N concurrent syncing writers cost about two forces, not N.
 * {@link #appendBatch} writes several records as one batch, which recovery applies whole or not at all, with one
 * {@code write} per {@link #maxWriteBytes} bytes and at most one force.
 *
 * <h2>Checkpoints</h2>
 * After the engine committed a generation that covers every record up to LSN x, {@link #trimUpTo}(x) drops those
 * records: sealed segments that lie entirely at or below x are deleted (oldest first), and an active segment that
 * lies entirely at or below x is replaced, through a forced temp file and an atomic rename, by an empty one that
 * starts at the next LSN. Records above x stay. {@link #roll()} seals the active segment
 * ({@code wal.vctrs -> wal-<firstLsn>.vctrs}) and starts a new one, so a save can capture "everything up to here"
 * and trim it later while writers continue. Every step leaves a log that recovers to the same records.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. A thread interrupted during an append does not break the log for others: the
 * interrupt is held back during the I/O and restored afterwards.
 */
public final class WalWriter implements AutoCloseable {
    private final Path dir;
    private final WalRecovery recovery;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final CRC32C crc = new CRC32C();
    /** Sealed segments, oldest first; guarded by appendLock. */
    private final List<WalScanner.Segment> sealed = new ArrayList<>();
    private ByteBuffer encodeBuffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    /** Default largest single write of a batch: bounds the encode buffer. */
    public static final long DEFAULT_MAX_WRITE_BYTES = 64L << 20;
    private long maxWriteBytes = DEFAULT_MAX_WRITE_BYTES; // guarded by appendLock

    // Guarded by appendLock.
    private FileChannel channel;
    /**
     * A second handle on the active segment, used only to force it: an {@code AsynchronousFileChannel} is not closed
     * by an interrupt of the thread forcing through it, where {@link #channel}, shared by every writer, would be (a
     * write cancelled with an interrupt during its group commit closed the log for all writers).
     */
    private AsynchronousFileChannel forceChannel;
    private long activeFirstLsn;
    private long activeBytes;
    private long nextLsn;
    private boolean closed;

    /** Which LSNs are written and forced; group commit of syncing appends. */
    private final GroupCommit commits;

    private WalWriter(Path dir, WalRecovery recovery) {
        this.dir = dir;
        this.recovery = recovery;
        this.commits = new GroupCommit(dir.resolve(WalFormat.ACTIVE_NAME), () -> forceChannel);
    }

    /**
     * Opens the log of {@code dir} for appending after replaying it: every intact record with an LSN above
     * {@code coveredLsn} (the LSN the current generation covers, 0 if none) goes to {@code handler} in LSN order.
     * The log is cut at the first torn or corrupt record, and what was cut is reported in {@link #recovery()}.
     * A log that starts after {@code coveredLsn + 1} is missing records: {@code CorruptFileException}.
     */
    public static WalWriter open(Path dir, long coveredLsn, WalRecordHandler handler) {
        return open(dir, coveredLsn, handler, WalOpenMode.REFUSE_DAMAGE);
    }

    /**
     * {@link #open(Path, long, WalRecordHandler)} choosing what damage does (a torn tail is always cut): refuse with
     * {@link LogDamageException}, changing nothing, or open up to it (see {@link WalOpenMode}).
     */
    public static WalWriter open(Path dir, long coveredLsn, WalRecordHandler handler, WalOpenMode mode) {
        if (coveredLsn < 0) {
            throw new IllegalArgumentException("negative covered LSN: " + coveredLsn);
        }
        FileIo.deleteIfExists(dir.resolve(WalFormat.TEMP_NAME));
        WalScanner.Result scan = WalScanner.scan(dir, coveredLsn, handler, true, mode);
        WalWriter w = new WalWriter(dir, scan.recovery());
        w.start(scan, coveredLsn);
        return w;
    }

    private void start(WalScanner.Result scan, long coveredLsn) {
        long next = scan.nextLsn();
        List<WalScanner.Segment> segments = scan.segments();
        if (next <= coveredLsn) {
            // Every record is already in the snapshot and the next LSN must follow the snapshot's: start afresh. The
            // new active segment replaces the old one atomically before the sealed ones go, so a crash in between
            // leaves a log (older segments the snapshot covers, then the new one), never no log at all.
            next = coveredLsn + 1;
            try {
                createActive(next).close();
            } catch (IOException e) {
                throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "create", e);
            }
            for (WalScanner.Segment s : segments) {
                if (!s.active()) {
                    FileIo.deleteIfExists(s.path());
                }
            }
            segments = List.of(new WalScanner.Segment(dir.resolve(WalFormat.ACTIVE_NAME), next, true,
                    WalFormat.HEADER_BYTES));
        }
        WalScanner.Segment active = null;
        for (WalScanner.Segment s : segments) {
            if (s.active()) {
                active = s;
            } else {
                sealed.add(s);
            }
        }
        nextLsn = next;
        commits.startAt(next - 1);
        try {
            if (active == null) {
                activate(createActive(next));
                activeFirstLsn = next;
                activeBytes = WalFormat.HEADER_BYTES;
            } else if (versionOf(active) != WalFormat.VERSION) {
                // An older format's segment gets no records of this one: seal it (if it has records) and start anew.
                if (active.bytes() > WalFormat.HEADER_BYTES) {
                    long first = firstLsnOf(active);
                    Path sealedPath = dir.resolve(WalFormat.sealedName(first));
                    FileIo.move(active.path(), sealedPath, StandardCopyOption.ATOMIC_MOVE);
                    sealed.add(new WalScanner.Segment(sealedPath, first, false, active.bytes()));
                }
                activate(createActive(next));
                activeFirstLsn = next;
                activeBytes = WalFormat.HEADER_BYTES;
            } else {
                activate(FileChannel.open(active.path(), StandardOpenOption.WRITE));
                activeBytes = active.bytes();
                activeFirstLsn = firstLsnOf(active);
            }
        } catch (IOException e) {
            throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "open", e);
        }
    }

    private static int versionOf(WalScanner.Segment active) throws IOException {
        try (FileChannel ch = FileChannel.open(active.path(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(WalFormat.HEADER_BYTES);
            FileIo.readFully(ch, b, 0);
            b.flip();
            return WalFormat.version(b);
        }
    }

    private long firstLsnOf(WalScanner.Segment active) throws IOException {
        try (FileChannel ch = FileChannel.open(active.path(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(WalFormat.HEADER_BYTES);
            FileIo.readFully(ch, b, 0);
            b.flip();
            return WalFormat.parseHeader(b);
        }
    }

    /** Creates an empty active segment starting at {@code firstLsn}: temp file, force, atomic rename, dir force. */
    private FileChannel createActive(long firstLsn) throws IOException {
        Path temp = dir.resolve(WalFormat.TEMP_NAME);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            FileIo.writeFully(ch, WalFormat.header(firstLsn), 0, temp);
            FileIo.force(ch, true, temp);
        }
        Path active = dir.resolve(WalFormat.ACTIVE_NAME);
        FileIo.move(temp, active, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileIo.forceDirectory(dir);
        FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE);
        ch.position(WalFormat.HEADER_BYTES);
        return ch;
    }

    /** Makes {@code ch} (open on the active segment) the writers' channel, with a force handle on the same file. */
    private void activate(FileChannel ch) throws IOException {
        AsynchronousFileChannel force;
        try {
            force = AsynchronousFileChannel.open(dir.resolve(WalFormat.ACTIVE_NAME), StandardOpenOption.WRITE);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        closeForceChannel();
        channel = ch;
        forceChannel = force;
    }

    private void closeForceChannel() {
        AsynchronousFileChannel f = forceChannel;
        forceChannel = null;
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // a second handle on a file whose own channel reports its errors
            }
        }
    }

    /** What replay found when this log was opened. */
    public WalRecovery recovery() {
        return recovery;
    }

    /** The LSN the next record will get. */
    public long nextLsn() {
        appendLock.lock();
        try {
            return nextLsn;
        } finally {
            appendLock.unlock();
        }
    }

    /** The LSN of the last record appended (or recovered); 0 if the log has never had a record. */
    public long lastLsn() {
        return nextLsn() - 1;
    }

    /** Appends one record; returns its LSN. See the class comment for {@code sync}. */
    public long append(byte type, byte[] payload, int offset, int length, boolean sync) {
        java.util.Objects.checkFromIndexSize(offset, length, payload.length);
        return append(type, ByteBuffer.wrap(payload, offset, length), sync);
    }

    public long append(byte type, byte[] payload, boolean sync) {
        return append(type, payload, 0, payload.length, sync);
    }

    /** Appends one record whose payload is the remaining bytes of {@code payload} (not consumed); returns its LSN. */
    public long append(byte type, ByteBuffer payload, boolean sync) {
        int length = payload.remaining();
        checkType(type);
        checkLength(length);
        long lsn;
        appendLock.lock();
        try {
            checkOpen();
            lsn = nextLsn;
            encodeBuffer = ensure(encodeBuffer, WalFormat.RECORD_OVERHEAD + length);
            encodeBuffer.clear();
            encode(encodeBuffer, lsn, type, payload.duplicate());
            encodeBuffer.flip();
            activeBytes = writeAt(encodeBuffer, activeBytes);
            nextLsn = lsn + 1;
        } finally {
            appendLock.unlock();
        }
        commits.written(lsn);
        if (sync) {
            commits.awaitDurable(lsn);
        }
        return lsn;
    }

    /**
     * Appends {@code types.length} records as one batch: consecutive LSNs, every record but the last marked
     * {@link WalFormat#BATCH_CONTINUES}, so recovery applies the batch whole or not at all. Written with one
     * {@code write} per {@link #maxWriteBytes} bytes (one, unless the batch is larger) and, if {@code sync}, one
     * shared force. If a write fails, the segment is cut back to where the batch began. Returns the LSN of the last
     * record (the first is {@code last - types.length + 1}).
     */
    public long appendBatch(byte[] types, byte[][] payloads, boolean sync) {
        if (types.length != payloads.length) {
            throw new IllegalArgumentException(types.length + " types for " + payloads.length + " payloads");
        }
        for (int i = 0; i < types.length; i++) {
            checkType(types[i]);
            checkLength(payloads[i].length);
        }
        long last;
        appendLock.lock();
        try {
            checkOpen();
            if (types.length == 0) {
                return nextLsn - 1;
            }
            long lsn = nextLsn;
            long at = activeBytes;
            int from = 0;
            while (from < types.length) {
                int to = from;
                long bytes = 0;
                while (to < types.length && (to == from
                        || bytes + WalFormat.RECORD_OVERHEAD + payloads[to].length <= maxWriteBytes)) {
                    bytes += WalFormat.RECORD_OVERHEAD + payloads[to].length;
                    to++;
                }
                encodeBuffer = ensure(encodeBuffer, (int) bytes);
                encodeBuffer.clear();
                for (int i = from; i < to; i++) {
                    byte type = i < types.length - 1 ? (byte) (types[i] | WalFormat.BATCH_CONTINUES) : types[i];
                    encode(encodeBuffer, lsn + i, type, ByteBuffer.wrap(payloads[i]));
                }
                encodeBuffer.flip();
                at = writeAt(encodeBuffer, at); // on failure the segment is cut back to activeBytes: batch start
                from = to;
            }
            activeBytes = at;
            last = lsn + types.length - 1;
            nextLsn = last + 1;
        } finally {
            appendLock.unlock();
        }
        commits.written(last);
        if (sync) {
            commits.awaitDurable(last);
        }
        return last;
    }

    /** Largest single write of a batch, in bytes (default {@value #DEFAULT_MAX_WRITE_BYTES}); at least one record. */
    public void maxWriteBytes(long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("max write bytes " + bytes + " outside 1.." + (Integer.MAX_VALUE - 16));
        }
        appendLock.lock();
        try {
            maxWriteBytes = bytes;
        } finally {
            appendLock.unlock();
        }
    }

    private static void checkType(byte type) {
        if ((type & WalFormat.BATCH_CONTINUES) != 0) {
            throw new IllegalArgumentException("record type " + (type & 0xFF) + " outside 0..127 (bit 7 marks batches)");
        }
    }

    /** Number of forces issued for syncing appends since open: with group commit, fewer than syncing appends. */
    public long forceCount() {
        return commits.forceCount();
    }

    /** Forces everything appended so far to the device (group commit with concurrent syncing appenders). */
    public void sync() {
        commits.awaitDurable(commits.writtenLsn());
    }

    private static void checkLength(int length) {
        if (length < 0 || length > WalFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("WAL payload of " + length + " bytes exceeds "
                    + WalFormat.MAX_PAYLOAD_BYTES);
        }
    }

    /** Encodes one record (LSN, type, length, payload, CRC32C of all before it) from the payload's remaining bytes. */
    private void encode(ByteBuffer b, long lsn, byte type, ByteBuffer payload) {
        int start = b.position();
        int length = payload.remaining();
        b.putLong(lsn).put(type).putInt(length).put(payload);
        crc.reset();
        crc.update(b.slice(start, 13 + length));
        b.putInt((int) crc.getValue());
    }

    private static ByteBuffer ensure(ByteBuffer b, int bytes) {
        if (b.capacity() >= bytes) {
            return b;
        }
        return ByteBuffer.allocateDirect(Math.max(bytes, b.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes a whole buffer at {@code at} in the active segment; returns the offset after it. On failure the segment is
     * cut back to {@code activeBytes} (its last complete record or batch) so that the log never keeps a partial
     * record behind a later one.
     */
    private long writeAt(ByteBuffer bytes, long at) {
        int n = bytes.remaining();
        boolean interrupted = Thread.interrupted();
        try {
            FileIo.writeFully(channel, bytes, at, dir.resolve(WalFormat.ACTIVE_NAME));
            return at + n;
        } catch (IOException e) {
            recoverChannelAfterFailure(e);
            throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "append to", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void recoverChannelAfterFailure(IOException cause) {
        Path active = dir.resolve(WalFormat.ACTIVE_NAME);
        try {
            if (cause instanceof ClosedByInterruptException || !channel.isOpen()) {
                channel = FileChannel.open(active, StandardOpenOption.WRITE);
            }
            FileIo.truncate(channel, activeBytes, active);
        } catch (IOException e) {
            cause.addSuppressed(e);
            closed = true; // the tail may hold a partial record: refuse further appends; reopen recovers
        }
    }

    /**
     * Seals the active segment (if it has records) and starts a new one; returns the LSN of the last sealed record
     * (everything up to it is now in sealed segments).
     */
    public long roll() {
        appendLock.lock();
        try {
            checkOpen();
            long last = nextLsn - 1;
            if (nextLsn == activeFirstLsn) {
                return last;
            }
            commits.exclude();
            long durable = -1;
            boolean interrupted = Thread.interrupted();
            try {
                FileIo.force(forceChannel, false, dir.resolve(WalFormat.ACTIVE_NAME));
                durable = last;
                // An interrupt that came during the force would close the next channels this thread opens: it is
                // held back until the new segment is in place.
                interrupted |= Thread.interrupted();
                channel.close();
                closeForceChannel();
                Path sealedPath = dir.resolve(WalFormat.sealedName(activeFirstLsn));
                FileIo.move(dir.resolve(WalFormat.ACTIVE_NAME), sealedPath, StandardCopyOption.ATOMIC_MOVE);
                sealed.add(new WalScanner.Segment(sealedPath, activeFirstLsn, false, activeBytes));
                // A crash here leaves no active segment: open() then creates one after the last sealed record.
                for (int attempt = 1; ; attempt++) {
                    try {
                        activate(createActive(nextLsn));
                        break;
                    } catch (ClosedByInterruptException | StoreIOException e) {
                        // An interrupt of this thread closed one of the new segment's channels (its temp file, the
                        // directory): nothing of it is in use yet, so it is made again, the interrupt held back.
                        boolean byInterrupt = e instanceof ClosedByInterruptException
                                || e.getCause() instanceof ClosedByInterruptException;
                        if (!byInterrupt || attempt == 3) {
                            throw e;
                        }
                        interrupted |= Thread.interrupted();
                    }
                }
                activeFirstLsn = nextLsn;
                activeBytes = WalFormat.HEADER_BYTES;
            } catch (IOException e) {
                closed = true;
                throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "roll", e);
            } catch (RuntimeException e) {
                closed = true; // e.g. the directory force after the rename: the segments are no longer as recorded
                throw e;
            } finally {
                commits.release(durable);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return last;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Drops records with LSN up to {@code coveredLsn}, which a committed generation must already cover.
     * Returns the number of segment files removed or replaced.
     */
    public int trimUpTo(long coveredLsn) {
        appendLock.lock();
        try {
            checkOpen();
            int removed = 0;
            // A sealed segment ends right before the next segment's first LSN.
            while (!sealed.isEmpty()) {
                long nextFirst = sealed.size() > 1 ? sealed.get(1).firstLsn() : activeFirstLsn;
                if (nextFirst - 1 > coveredLsn) {
                    break;
                }
                FileIo.deleteIfExists(sealed.removeFirst().path());
                removed++;
            }
            if (removed > 0) {
                FileIo.forceDirectory(dir);
            }
            if (sealed.isEmpty() && nextLsn > activeFirstLsn && nextLsn - 1 <= coveredLsn) {
                commits.exclude();
                long durable = -1;
                try {
                    FileChannel fresh = createActive(nextLsn); // replaces the covered segment atomically
                    channel.close();
                    activate(fresh);
                    durable = nextLsn - 1; // every record is in the snapshot, which is durable
                    activeFirstLsn = nextLsn;
                    activeBytes = WalFormat.HEADER_BYTES;
                    removed++;
                } catch (IOException e) {
                    closed = true;
                    throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "trim", e);
                } catch (RuntimeException e) {
                    closed = true;
                    throw e;
                } finally {
                    commits.release(durable);
                }
            }
            return removed;
        } finally {
            appendLock.unlock();
        }
    }

    /** Bytes in all segments (headers included): the engine checkpoints when this grows past its bound. */
    public long sizeBytes() {
        appendLock.lock();
        try {
            long total = activeBytes;
            for (WalScanner.Segment s : sealed) {
                total += s.bytes();
            }
            return total;
        } finally {
            appendLock.unlock();
        }
    }

    /** Number of segment files (sealed plus the active one). */
    public int segmentCount() {
        appendLock.lock();
        try {
            return sealed.size() + 1;
        } finally {
            appendLock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedStoreException("write-ahead log of " + dir + " is closed");
        }
        IOException failed = commits.failure();
        if (failed != null) {
            throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME),
                    "append to (an earlier force failed; reopen the database)", failed);
        }
    }

    /** Forces what was written and closes the log. Idempotent. */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                closeForceChannel();
                if (channel.isOpen()) {
                    closeChannel(); // closed after a failure: release the file handle
                }
                return;
            }
            closed = true;
            commits.exclude();
            long durable = -1;
            try {
                FileIo.force(forceChannel, false, dir.resolve(WalFormat.ACTIVE_NAME));
                durable = nextLsn - 1;
            } catch (IOException e) {
                throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "force", e);
            } finally {
                commits.release(durable);
                closeForceChannel();
                closeChannel();
            }
        } finally {
            appendLock.unlock();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StoreIOException(dir.resolve(WalFormat.ACTIVE_NAME), "close", e);
        }
    }
}
