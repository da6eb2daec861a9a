package dev.quiver.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file whole or not at all: bytes go to {@code <file>.tmp}; {@link #commit()} forces it and renames it over
 * {@code file} atomically; {@link #close()} without a commit deletes the temp file, leaving {@code file} as it was.
 * Every write, force and rename passes the {@link FaultInjection} seam. Not thread-safe.
 */
public final class ReplacingOutputStream extends OutputStream {
    private final Path file;
    private final Path temp;
    private final FileChannel channel;
    private boolean committed;
    private boolean closed;

    public ReplacingOutputStream(Path file) throws IOException {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        FileIo.writeFully(channel, ByteBuffer.wrap(bytes, offset, length), temp);
    }

    /** Forces the bytes, renames the temp file over the target and forces the directory. */
    public void commit() throws IOException {
        FileIo.force(channel, true, temp);
        channel.close();
        FileIo.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            FileIo.forceDirectory(parent);
        }
    }

    /** Without a commit: deletes the temp file (the target is untouched). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        channel.close();
        if (!committed) {
            java.nio.file.Files.deleteIfExists(temp);
        }
    }
}
