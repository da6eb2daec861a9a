package dev.quiver.storage.wal;

import dev.quiver.storage.FileIo;
import dev.quiver.storage.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads every segment of a log in LSN order, delivering intact records after a given LSN (a batch only once its last
 * record is read), and finds the first torn or corrupt record. A torn tail of the active segment is cut in repair
 * mode (truncated at the start of the torn record or of its batch). Damage (see {@link WalFormat}) refuses a
 * repairing open unless {@link WalOpenMode#OPEN_UP_TO_DAMAGE}: then the log is cut at the damage and what follows
 * is set aside, not deleted.
 */
final class WalScanner {
    private static final int READ_BUFFER_BYTES = 1 << 20;

    /** A segment file that exists after the scan (and repair). */
    record Segment(Path path, long firstLsn, boolean active, long bytes) {
    }

    /** The outcome: the recovery report plus what the writer needs to continue the log. */
    record Result(WalRecovery recovery, List<Segment> segments, long nextLsn) {
    }

    private WalScanner() {
    }

    /** One intact record of a batch whose last record has not been read yet (copied: the read buffer moves on). */
    private record Pending(long lsn, byte type, byte[] payload) {
    }

    static Result scan(Path dir, long coveredLsn, WalRecordHandler handler, boolean repair, WalOpenMode mode) {
        List<Segment> segments = list(dir);
        if (segments.isEmpty() && coveredLsn > 0 && repair) {
            // The snapshot covers up to coveredLsn and every save leaves a segment continuing after it.
            Path active = dir.resolve(WalFormat.ACTIVE_NAME);
            if (mode == WalOpenMode.REFUSE_DAMAGE) {
                throw new LogDamageException(active, "missing: the saved state covers the log up to LSN " + coveredLsn
                        + " and the log must continue from LSN " + (coveredLsn + 1) + ", but there is no log segment;"
                        + " writes made after the last save may be lost");
            }
            WalRecovery r = new WalRecovery(0, 0, coveredLsn, 0, active, 0, "log missing", true, List.of());
            return new Result(r, List.of(), coveredLsn + 1);
        }
        long expected = -1;
        long replayed = 0;
        long skipped = 0;
        Path tornFile = null;
        long tornOffset = -1;
        String reason = null;
        int tornIndex = -1;
        boolean damaged = false;
        List<Pending> pending = new ArrayList<>();
        for (int i = 0; i < segments.size() && tornFile == null; i++) {
            Segment s = segments.get(i);
            SegmentReader reader = new SegmentReader(s.path());
            try (reader) {
                long first = reader.header();
                String problem = null;
                if (first < 0) {
                    problem = s.bytes() == 0 ? "empty segment file (no header)" : "damaged segment header";
                } else if (!s.active() && first != s.firstLsn()) {
                    problem = "header first LSN " + first + " disagrees with the file name";
                } else if (expected < 0) {
                    if (first > coveredLsn + 1) {
                        throw new LogDamageException(s.path(), "the log starts at LSN " + first
                                + " but the snapshot covers only up to LSN " + coveredLsn + ": records "
                                + (coveredLsn + 1) + ".." + (first - 1) + " are missing");
                    }
                    expected = first;
                } else if (first != expected) {
                    if (first > expected && first <= coveredLsn + 1) {
                        // Records expected..first-1 are in the snapshot: a restart left older segments behind.
                        expected = first;
                    } else {
                        problem = "segment starts at LSN " + first + ", expected " + expected;
                    }
                }
                if (problem != null) {
                    tornFile = s.path();
                    tornOffset = 0;
                    reason = problem;
                    tornIndex = i;
                    damaged = true;
                    break;
                }
                boolean marks = reader.version() >= WalFormat.VERSION;
                long batchOffset = -1;
                while (true) {
                    long offset = reader.position();
                    String bad = reader.next(expected);
                    if (bad == null) {
                        int rawType = reader.type() & 0xFF;
                        boolean continues = marks && (rawType & WalFormat.BATCH_CONTINUES) != 0;
                        byte type = (byte) (marks ? rawType & ~WalFormat.BATCH_CONTINUES : rawType);
                        if (continues) {
                            if (pending.isEmpty()) {
                                batchOffset = offset;
                            }
                            byte[] copy = new byte[reader.payload().remaining()];
                            reader.payload().get(copy);
                            pending.add(new Pending(reader.lsn(), type, copy));
                        } else {
                            for (Pending p : pending) {
                                if (deliver(handler, coveredLsn, p.lsn(), p.type(),
                                        ByteBuffer.wrap(p.payload()).order(ByteOrder.LITTLE_ENDIAN))) {
                                    replayed++;
                                } else {
                                    skipped++;
                                }
                            }
                            pending.clear();
                            batchOffset = -1;
                            if (deliver(handler, coveredLsn, reader.lsn(), type, reader.payload())) {
                                replayed++;
                            } else {
                                skipped++;
                            }
                        }
                        expected++;
                        continue;
                    }
                    if (bad.isEmpty() && pending.isEmpty()) {
                        break; // clean end of this segment
                    }
                    tornFile = s.path();
                    tornIndex = i;
                    reason = bad.isEmpty() ? "batch of " + pending.size() + " records without its last record" : bad;
                    if (!pending.isEmpty()) {
                        // The whole batch goes: none of it was applied, and the log continues where it began.
                        tornOffset = batchOffset;
                        expected -= pending.size();
                        reason += " (cut at the start of its batch, LSN " + expected + ")";
                        pending.clear();
                    } else {
                        tornOffset = offset;
                    }
                    // Only the active segment can end in a torn write; a sealed one was forced whole before sealing.
                    damaged = !s.active();
                    break;
                }
            }
        }
        long dropped = 0;
        List<Segment> kept = new ArrayList<>(segments);
        List<Path> setAside = new ArrayList<>();
        if (tornFile != null) {
            dropped = segments.get(tornIndex).bytes() - tornOffset;
            for (int i = tornIndex + 1; i < segments.size(); i++) {
                dropped += segments.get(i).bytes();
            }
            if (damaged && repair && mode == WalOpenMode.REFUSE_DAMAGE) {
                throw new LogDamageException(tornFile, reason + " at offset " + tornOffset + ", after LSN "
                        + (expected < 0 ? coveredLsn : expected - 1) + "; " + (segments.size() - tornIndex - 1) + " later segment(s) and "
                        + dropped + " bytes follow it. Nothing was changed: a crash does not do this, so the log was "
                        + "damaged. Opening up to the damage keeps the records before it and sets the rest aside");
            }
            kept = new ArrayList<>(segments.subList(0, tornIndex));
            if (repair) {
                if (damaged) {
                    setAside = setAside(segments, tornIndex, tornOffset);
                }
                cut(dir, segments, tornIndex, tornOffset);
            }
            if (tornOffset >= WalFormat.HEADER_BYTES) {
                Segment s = segments.get(tornIndex);
                kept.add(new Segment(s.path(), s.firstLsn(), s.active(), tornOffset));
            }
        }
        long next = expected < 0 ? coveredLsn + 1 : expected;
        long lastLsn = Math.max(next - 1, coveredLsn);
        WalRecovery recovery = new WalRecovery(replayed, skipped, lastLsn, dropped, tornFile, tornOffset, reason,
                damaged, setAside);
        return new Result(recovery, kept, next);
    }

    /** Hands a record above the covered LSN to the handler; false if the snapshot already has it. */
    private static boolean deliver(WalRecordHandler handler, long coveredLsn, long lsn, byte type, ByteBuffer payload) {
        if (lsn <= coveredLsn) {
            return false;
        }
        if (handler != null) {
            handler.accept(lsn, type, payload);
        }
        return true;
    }

    /**
     * Before a cut at damage: copies the damaged segment aside whole and renames every later one aside, so nothing
     * after the damage is destroyed ({@code <name>.damaged-<millis>}, names no scan reads as a segment).
     */
    private static List<Path> setAside(List<Segment> segments, int tornIndex, long tornOffset) {
        String suffix = ".damaged-" + System.currentTimeMillis();
        List<Path> out = new ArrayList<>();
        try {
            Path damaged = segments.get(tornIndex).path();
            Path copy = damaged.resolveSibling(damaged.getFileName() + suffix);
            if (tornOffset < WalFormat.HEADER_BYTES) {
                FileIo.atomicReplace(damaged, copy); // the cut would delete it: move it instead
            } else {
                Files.copy(damaged, copy, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            out.add(copy);
            for (int i = tornIndex + 1; i < segments.size(); i++) {
                Path p = segments.get(i).path();
                Path aside = p.resolveSibling(p.getFileName() + suffix);
                FileIo.atomicReplace(p, aside);
                out.add(aside);
            }
        } catch (IOException e) {
            throw new StoreIOException(segments.get(tornIndex).path(), "set aside the log after damage in", e);
        }
        return out;
    }

    /** Sealed segments by first LSN, then the active one. */
    static List<Segment> list(Path dir) {
        TreeMap<Long, Path> sealed = new TreeMap<>();
        Path active = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                long first = WalFormat.sealedFirstLsn(name);
                if (first >= 0) {
                    sealed.put(first, p);
                } else if (name.equals(WalFormat.ACTIVE_NAME)) {
                    active = p;
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreIOException(dir, "list", e);
        }
        List<Segment> out = new ArrayList<>();
        for (var e : sealed.entrySet()) {
            out.add(new Segment(e.getValue(), e.getKey(), false, size(e.getValue())));
        }
        if (active != null) {
            out.add(new Segment(active, -1, true, size(active)));
        }
        return out;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new StoreIOException(p, "stat", e);
        }
    }

    private static void cut(Path dir, List<Segment> segments, int tornIndex, long tornOffset) {
        // Later segments first, so that a crash during the cut never leaves a hole in the middle of the log.
        for (int i = segments.size() - 1; i > tornIndex; i--) {
            FileIo.deleteIfExists(segments.get(i).path());
        }
        Path torn = segments.get(tornIndex).path();
        if (tornOffset < WalFormat.HEADER_BYTES) {
            FileIo.deleteIfExists(torn);
        } else {
            try (FileChannel channel = FileChannel.open(torn, StandardOpenOption.WRITE)) {
                channel.truncate(tornOffset);
                channel.force(true);
            } catch (IOException e) {
                throw new StoreIOException(torn, "truncate", e);
            }
        }
        FileIo.forceDirectory(dir);
    }

    /** Buffered sequential record reader over one segment. */
    private static final class SegmentReader implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final long size;
        private ByteBuffer buffer;
        private long bufferStart; // file offset of buffer[0]
        private final CRC32C crc = new CRC32C();
        private long lsn;
        private int version;
        private byte type;
        private ByteBuffer payload;

        SegmentReader(Path path) {
            this.path = path;
            try {
                this.channel = FileChannel.open(path, StandardOpenOption.READ);
                this.size = channel.size();
            } catch (IOException e) {
                throw new StoreIOException(path, "open", e);
            }
            // Small logs (the common case right after a checkpoint) should not pay for zeroing a large buffer.
            int capacity = (int) Math.min(READ_BUFFER_BYTES, Math.max(64, size));
            buffer = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            buffer.limit(0);
        }

        long position() {
            return bufferStart + buffer.position();
        }

        /** The header's first LSN, or -1 if the header is damaged. */
        long header() {
            if (!ensure(WalFormat.HEADER_BYTES)) {
                return -1;
            }
            ByteBuffer h = buffer.slice(buffer.position(), WalFormat.HEADER_BYTES);
            long first = WalFormat.parseHeader(h);
            if (first >= 0) {
                version = WalFormat.version(h);
            }
            buffer.position(buffer.position() + WalFormat.HEADER_BYTES);
            return first;
        }

        /** The version of the header read by {@link #header()}. */
        int version() {
            return version;
        }

        /**
         * Reads the next record; returns null if it is intact, "" at a clean end of file, or why it is not intact
         * (the reader's position is then unspecified).
         */
        String next(long expectedLsn) {
            if (position() == size) {
                return "";
            }
            if (!ensure(13)) {
                return "incomplete record header";
            }
            int start = buffer.position();
            long recordLsn = buffer.getLong(start);
            int length = buffer.getInt(start + 9);
            if (recordLsn != expectedLsn) {
                return "LSN " + recordLsn + ", expected " + expectedLsn;
            }
            if (length < 0 || length > WalFormat.MAX_PAYLOAD_BYTES) {
                return "bad payload length " + Integer.toUnsignedString(length);
            }
            int total = WalFormat.RECORD_OVERHEAD + length;
            if (!ensure(total)) {
                return "incomplete record";
            }
            start = buffer.position();
            crc.reset();
            crc.update(buffer.slice(start, 13 + length));
            if (buffer.getInt(start + 13 + length) != (int) crc.getValue()) {
                return "checksum mismatch";
            }
            lsn = recordLsn;
            type = buffer.get(start + 8);
            payload = buffer.slice(start + 13, length).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
            buffer.position(start + total);
            return null;
        }

        long lsn() {
            return lsn;
        }

        byte type() {
            return type;
        }

        ByteBuffer payload() {
            return payload.order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Makes {@code bytes} bytes available from the current position; false if the file ends first. */
        private boolean ensure(int bytes) {
            if (buffer.remaining() >= bytes) {
                return true;
            }
            if (position() + bytes > size) {
                return false;
            }
            bufferStart += buffer.position();
            buffer.compact();
            if (buffer.capacity() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(bytes, buffer.capacity() * 2))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            try {
                long at = bufferStart + buffer.position();
                while (buffer.position() < bytes) {
                    int n = channel.read(buffer, at);
                    if (n < 0) {
                        buffer.flip();
                        return false;
                    }
                    at += n;
                }
            } catch (IOException e) {
                throw new StoreIOException(path, "read", e);
            }
            buffer.flip();
            return true;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new StoreIOException(path, "close", e);
            }
        }
    }
}
