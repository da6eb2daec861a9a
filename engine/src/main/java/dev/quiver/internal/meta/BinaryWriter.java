package dev.quiver.internal.meta;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Little-endian primitives to an output stream, with a running CRC32C of every byte written and a byte count;
 * the formats of this package end with {@link #writeChecksum()}.
 */
public final class BinaryWriter {

    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[8];
    private long position;

    public BinaryWriter(OutputStream out) {
        this.out = out;
    }

    public long position() {
        return position;
    }

    public void writeBytes(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        crc.update(b, off, len);
        position += len;
    }

    public void writeBytes(byte[] b) throws IOException {
        writeBytes(b, 0, b.length);
    }

    public void writeByte(int v) throws IOException {
        scratch[0] = (byte) v;
        writeBytes(scratch, 0, 1);
    }

    public void writeInt(int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            scratch[i] = (byte) (v >>> (8 * i));
        }
        writeBytes(scratch, 0, 4);
    }

    public void writeLong(long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            scratch[i] = (byte) (v >>> (8 * i));
        }
        writeBytes(scratch, 0, 8);
    }

    /** int32 byte length, then the UTF-8 bytes. */
    public void writeString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeInt(b.length);
        writeBytes(b);
    }

    /** The CRC32C of everything written so far, as an int32 (not itself part of the checksum). */
    public void writeChecksum() throws IOException {
        int value = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            scratch[i] = (byte) (value >>> (8 * i));
        }
        out.write(scratch, 0, 4);
        position += 4;
    }

    public void flush() throws IOException {
        out.flush();
    }
}
