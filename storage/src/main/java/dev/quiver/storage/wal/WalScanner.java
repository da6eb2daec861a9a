package dev.quiver.storage.wal;

import dev.quiver.storage.CorruptFileException;
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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads every segment of a log in LSN order, delivering intact records after a given LSN, and finds the first torn
 * or corrupt record. In repair mode it then cuts the log there: the damaged segment is truncated (or deleted if its
 * header is damaged) and every later segment deleted, so the log ends with its last intact record.
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

    static Result scan(Path dir, long coveredLsn, WalRecordHandler handler, boolean repair) {
        List<Segment> segments = list(dir);
        long expected = -1;
        long replayed = 0;
        long skipped = 0;
        Path tornFile = null;
        long tornOffset = -1;
        String reason = null;
        int tornIndex = -1;
        for (int i = 0; i < segments.size() && tornFile == null; i++) {
            Segment s = segments.get(i);
            SegmentReader reader = new SegmentReader(s.path());
            try (reader) {
                long first = reader.header();
                String problem = null;
                if (first < 0) {
                    problem = "damaged segment header";
                } else if (!s.active() && first != s.firstLsn()) {
                    problem = "header first LSN " + first + " disagrees with the file name";
                } else if (expected < 0) {
                    if (first > coveredLsn + 1) {
                        throw new CorruptFileException(s.path(), "the log starts at LSN " + first
                                + " but the snapshot covers only up to LSN " + coveredLsn + ": records "
                                + (coveredLsn + 1) + ".." + (first - 1) + " are missing");
                    }
                    expected = first;
                } else if (first != expected) {
                    problem = "segment starts at LSN " + first + ", expected " + expected;
                }
                if (problem != null) {
                    tornFile = s.path();
                    tornOffset = 0;
                    reason = problem;
                    tornIndex = i;
                    break;
                }
                while (true) {
                    long offset = reader.position();
                    String bad = reader.next(expected);
                    if (bad == null) {
                        if (reader.lsn() > coveredLsn) {
                            if (handler != null) {
                                handler.accept(reader.lsn(), reader.type(), reader.payload());
                            }
                            replayed++;
                        } else {
                            skipped++;
                        }
                        expected++;
                    } else if (bad.isEmpty()) {
                        break; // clean end of this segment
                    } else {
                        tornFile = s.path();
                        tornOffset = offset;
                        reason = bad;
                        tornIndex = i;
                        break;
                    }
                }
            }
        }
        long dropped = 0;
        List<Segment> kept = new ArrayList<>(segments);
        if (tornFile != null) {
            dropped = segments.get(tornIndex).bytes() - tornOffset;
            for (int i = tornIndex + 1; i < segments.size(); i++) {
                dropped += segments.get(i).bytes();
            }
            kept = new ArrayList<>(segments.subList(0, tornIndex));
            if (repair) {
                cut(dir, segments, tornIndex, tornOffset);
            }
            if (tornOffset >= WalFormat.HEADER_BYTES) {
                Segment s = segments.get(tornIndex);
                kept.add(new Segment(s.path(), s.firstLsn(), s.active(), tornOffset));
            }
        }
        long next = expected < 0 ? coveredLsn + 1 : expected;
        long lastLsn = Math.max(next - 1, coveredLsn);
        WalRecovery recovery = new WalRecovery(replayed, skipped, lastLsn, dropped, tornFile, tornOffset, reason);
        return new Result(recovery, kept, next);
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
            long first = WalFormat.parseHeader(buffer.slice(buffer.position(), WalFormat.HEADER_BYTES));
            buffer.position(buffer.position() + WalFormat.HEADER_BYTES);
            return first;
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
