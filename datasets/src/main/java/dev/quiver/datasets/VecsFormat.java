package dev.quiver.datasets;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the TEXMEX vector formats, little-endian throughout.
 *
 * <pre>
 * .fvecs: per row  int32 dim, then dim x float32
 * .ivecs: per row  int32 k,   then k   x int32   (row indices into the base set for ground truth)
 * </pre>
 * Every row of a file must have the same width; a file that ends inside a row is rejected.
 */
public final class VecsFormat {

    private VecsFormat() {
    }

    public static float[][] readFvecs(Path file) throws IOException {
        return readFvecs(file, Integer.MAX_VALUE);
    }

    /** The first {@code limit} rows (all of them when the file has fewer). */
    public static float[][] readFvecs(Path file, int limit) throws IOException {
        return readRows(file, limit, (buf, width) -> {
            float[] row = new float[width];
            buf.asFloatBuffer().get(row);
            return row;
        }).toArray(new float[0][]);
    }

    public static int[][] readIvecs(Path file) throws IOException {
        return readIvecs(file, Integer.MAX_VALUE);
    }

    /** The first {@code limit} rows (all of them when the file has fewer). */
    public static int[][] readIvecs(Path file, int limit) throws IOException {
        return readRows(file, limit, (buf, width) -> {
            int[] row = new int[width];
            buf.asIntBuffer().get(row);
            return row;
        }).toArray(new int[0][]);
    }

    public static void writeFvecs(Path file, float[][] rows) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (float[] row : rows) {
                ByteBuffer buf = ByteBuffer.allocate(4 + 4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.putInt(row.length);
                for (float v : row) {
                    buf.putFloat(v);
                }
                out.write(buf.array());
            }
        }
    }

    public static void writeIvecs(Path file, int[][] rows) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int[] row : rows) {
                ByteBuffer buf = ByteBuffer.allocate(4 + 4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.putInt(row.length);
                for (int v : row) {
                    buf.putInt(v);
                }
                out.write(buf.array());
            }
        }
    }

    private interface RowDecoder<T> {
        T decode(ByteBuffer littleEndianRow, int width);
    }

    private static <T> List<T> readRows(Path file, int limit, RowDecoder<T> decoder) throws IOException {
        List<T> rows = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] header = new byte[4];
            int expectedWidth = -1;
            while (rows.size() < limit) {
                int first = in.read();
                if (first < 0) {
                    break;
                }
                header[0] = (byte) first;
                in.readFully(header, 1, 3);
                int width = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (width < 0 || (expectedWidth >= 0 && width != expectedWidth)) {
                    throw new IOException(file + ": row " + rows.size() + " has width " + width
                            + (expectedWidth >= 0 ? ", expected " + expectedWidth : ""));
                }
                expectedWidth = width;
                byte[] body = new byte[4 * width];
                try {
                    in.readFully(body);
                } catch (EOFException e) {
                    throw new IOException(file + ": truncated in row " + rows.size(), e);
                }
                rows.add(decoder.decode(ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN), width));
            }
        }
        return rows;
    }
}
