package dev.quiver.bench.ann;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of the MNIST family, optionally gzip-compressed (detected by the gzip magic bytes).
 *
 * <pre>
 * bytes 0-1  zero
 * byte  2    element type: 0x08 unsigned byte (the only type Fashion-MNIST uses)
 * byte  3    number of dimensions n
 * n x int32  BIG-endian size of each dimension
 * then the elements, row-major
 * </pre>
 * A file of shape [count, d1, d2, ...] is returned as {@code count} rows of {@code d1*d2*...} floats (pixels 0-255
 * as floats, unscaled); a one-dimensional file (labels) as {@code count} rows of one value.
 */
public final class IdxFormat {

    static final int TYPE_UNSIGNED_BYTE = 0x08;

    private IdxFormat() {
    }

    public static float[][] readUnsignedBytes(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream body = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(new DataInputStream(new BufferedInputStream(body, 1 << 16)), file);
        }
    }

    private static float[][] read(DataInputStream in, Path file) throws IOException {
        int zero0 = in.readUnsignedByte();
        int zero1 = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int dims = in.readUnsignedByte();
        if (zero0 != 0 || zero1 != 0) {
            throw new IOException(file + ": not an IDX file (magic " + zero0 + "," + zero1 + ")");
        }
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new IOException(file + ": unsupported IDX element type 0x" + Integer.toHexString(type));
        }
        if (dims < 1) {
            throw new IOException(file + ": IDX file with " + dims + " dimensions");
        }
        int count = in.readInt();   // DataInputStream reads big-endian, as IDX stores it
        long width = 1;
        for (int i = 1; i < dims; i++) {
            width *= in.readInt();
        }
        if (count < 0 || width > Integer.MAX_VALUE) {
            throw new IOException(file + ": bad IDX shape, count " + count + ", row width " + width);
        }
        float[][] rows = new float[count][(int) width];
        byte[] buf = new byte[(int) width];
        for (float[] row : rows) {
            in.readFully(buf);
            for (int j = 0; j < buf.length; j++) {
                row[j] = buf[j] & 0xff;
            }
        }
        return rows;
    }
}
