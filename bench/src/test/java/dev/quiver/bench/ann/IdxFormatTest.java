package dev.quiver.bench.ann;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("scalar-path")
class IdxFormatTest {

    @TempDir
    Path dir;

    /** An IDX file: two zero bytes, type, dimension count, big-endian sizes, then the bytes. */
    private static byte[] idx(int type, int[] shape, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(type);
        out.writeByte(shape.length);
        for (int size : shape) {
            out.writeInt(size);   // DataOutputStream is big-endian, as IDX wants
        }
        out.write(body);
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    @Test
    void threeDimensionalImagesBecomeFlatRowsOfUnsignedPixels() throws IOException {
        // 2 images of 2 x 3 pixels; 0xFF must read as 255, not -1.
        byte[] body = {0, 1, 2, 3, 4, (byte) 0xFF, 10, 20, 30, 40, 50, (byte) 0x80};
        Path file = dir.resolve("images-idx3-ubyte.gz");
        Files.write(file, gzip(idx(0x08, new int[] {2, 2, 3}, body)));
        float[][] rows = IdxFormat.readUnsignedBytes(file);
        assertEquals(2, rows.length);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 255}, rows[0]);
        assertArrayEquals(new float[] {10, 20, 30, 40, 50, 128}, rows[1]);
    }

    @Test
    void uncompressedLabelsAreOneValuePerRow() throws IOException {
        Path file = dir.resolve("labels-idx1-ubyte");
        Files.write(file, idx(0x08, new int[] {4}, new byte[] {9, 0, 3, 7}));
        float[][] rows = IdxFormat.readUnsignedBytes(file);
        assertEquals(4, rows.length);
        assertArrayEquals(new float[] {9}, rows[0]);
        assertArrayEquals(new float[] {7}, rows[3]);
    }

    @Test
    void otherElementTypesAreRejectedByName() throws IOException {
        Path file = dir.resolve("floats-idx1");
        Files.write(file, idx(0x0D, new int[] {1}, new byte[4]));
        IOException e = assertThrows(IOException.class, () -> IdxFormat.readUnsignedBytes(file));
        assertTrue(e.getMessage().contains("0xd"), e.getMessage());
    }

    @Test
    void fileWithoutTheZeroMagicIsRejected() throws IOException {
        Path file = dir.resolve("junk");
        Files.write(file, new byte[] {1, 2, 8, 1, 0, 0, 0, 0});
        assertThrows(IOException.class, () -> IdxFormat.readUnsignedBytes(file));
    }
}
