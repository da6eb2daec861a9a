package dev.quiver.storage.gen;

import dev.quiver.storage.FileIo;
import dev.quiver.storage.Slab;
import dev.quiver.storage.StoreIOException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes the first {@code records} records of a slab as a slab data file ({@link DataFileFormat}, kind slab),
 * straight from the chunk segments (no heap copy, no whole-file buffer). The region is padded to whole chunks with a
 * file hole, so a later {@link Slab#openPrivate} finds every chunk at a chunk boundary.
 */
final class SlabFileWriter {
    /** Writes go through {@code asByteBuffer()} views, which cannot exceed 2 GiB; 64 MiB keeps each call short. */
    private static final long PIECE_BYTES = 64L << 20;

    private SlabFileWriter() {
    }

    static FileEntry write(Path path, long generation, String logicalName, Slab slab, int records) {
        if (records < 0 || records > slab.capacity()) {
            throw new IllegalArgumentException("cannot write " + records + " records of a slab with capacity "
                    + slab.capacity());
        }
        long stride = slab.strideBytes();
        long payloadBytes = records * stride;
        long chunks = ((long) records + slab.recordsPerChunk() - 1) >>> slab.chunkShift();
        long region = chunks * slab.chunkBytes();
        CRC32C crc = new CRC32C();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long at = DataFileFormat.HEADER_BYTES;
            long remaining = payloadBytes;
            for (int c = 0; remaining > 0; c++) {
                MemorySegment chunk = slab.chunk(c);
                long inChunk = Math.min(remaining, chunk.byteSize());
                for (long off = 0; off < inChunk; off += PIECE_BYTES) {
                    ByteBuffer piece = chunk.asSlice(off, Math.min(PIECE_BYTES, inChunk - off)).asByteBuffer();
                    crc.update(piece.duplicate());
                    int n = piece.remaining();
                    FileIo.writeFully(channel, piece, at, path);
                    at += n;
                }
                remaining -= inChunk;
            }
            int payloadCrc = (int) crc.getValue();
            // Writing the trailer past the payload leaves the padding as a hole: no bytes written, zeros when read.
            FileIo.writeFully(channel, DataFileFormat.encodeTrailer(generation, payloadBytes, payloadCrc),
                    DataFileFormat.HEADER_BYTES + region, path);
            DataFileFormat.Header header = new DataFileFormat.Header(DataFileFormat.KIND_SLAB, generation,
                    payloadBytes, region, stride, slab.chunkShift(), records, payloadCrc, logicalName);
            FileIo.writeFully(channel, DataFileFormat.encodeHeader(header), 0, path);
            FileIo.force(channel, true, path);
            return new FileEntry(logicalName, path.getFileName().toString(), DataFileFormat.KIND_SLAB,
                    header.fileBytes(), payloadBytes, payloadCrc);
        } catch (IOException e) {
            throw new StoreIOException(path, "write slab file", e);
        }
    }
}
