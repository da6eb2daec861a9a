package dev.quiver.datasets;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("scalar-path")
class VecsFormatTest {

    @TempDir
    Path dir;

    @Test
    void fvecsRoundTripKeepsEveryBitAtOddWidths() throws IOException {
        for (int dim : new int[] {1, 3, 17, 128, 385}) {
            long seed = 1000 + dim;
            Random random = new Random(seed);
            float[][] rows = new float[7][dim];
            for (float[] row : rows) {
                for (int j = 0; j < dim; j++) {
                    row[j] = (float) random.nextGaussian();
                }
            }
            rows[0][0] = -0.0f;
            rows[1][0] = Float.MIN_VALUE;
            Path file = dir.resolve("v" + dim + ".fvecs");
            VecsFormat.writeFvecs(file, rows);
            assertEquals(7L * (4 + 4L * dim), Files.size(file), "dim " + dim);
            float[][] back = VecsFormat.readFvecs(file);
            assertEquals(rows.length, back.length);
            for (int i = 0; i < rows.length; i++) {
                assertArrayEquals(rows[i], back[i], "seed " + seed + " row " + i);
            }
        }
    }

    @Test
    void ivecsRoundTrip() throws IOException {
        int[][] rows = {{0, 5, Integer.MAX_VALUE}, {-1, 2, 3}, {7, 8, 9}};
        Path file = dir.resolve("gt.ivecs");
        VecsFormat.writeIvecs(file, rows);
        int[][] back = VecsFormat.readIvecs(file);
        assertEquals(3, back.length);
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(rows[i], back[i]);
        }
    }

    @Test
    void fvecsIsLittleEndianWithADimensionPrefix() throws IOException {
        Path file = dir.resolve("one.fvecs");
        VecsFormat.writeFvecs(file, new float[][] {{1.5f, -2f}});
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, raw.getInt());
        assertEquals(1.5f, raw.getFloat());
        assertEquals(-2f, raw.getFloat());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path file = dir.resolve("cut.fvecs");
        VecsFormat.writeFvecs(file, new float[][] {{1, 2, 3}, {4, 5, 6}});
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 2));
        IOException e = assertThrows(IOException.class, () -> VecsFormat.readFvecs(file));
        assertTrue(e.getMessage().contains("truncated in row 1"), e.getMessage());
    }

    @Test
    void rowsOfDifferentWidthAreRejected() throws IOException {
        Path a = dir.resolve("a.fvecs");
        VecsFormat.writeFvecs(a, new float[][] {{1, 2, 3}});
        Path b = dir.resolve("b.fvecs");
        VecsFormat.writeFvecs(b, new float[][] {{1, 2}});
        Path both = dir.resolve("both.fvecs");
        Files.write(both, concat(Files.readAllBytes(a), Files.readAllBytes(b)));
        IOException e = assertThrows(IOException.class, () -> VecsFormat.readFvecs(both));
        assertTrue(e.getMessage().contains("width 2, expected 3"), e.getMessage());
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
