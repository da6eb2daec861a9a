package dev.quiver.opensearch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads TEXMEX .fvecs / .ivecs files (per row: int32 length, then that many little-endian values). */
final class TexmexFiles {

    private TexmexFiles() {}

    /** The shared data sets folder: {@code -Dquiver.datasets}, else {@code ../shared/datasets} beside a parent. */
    static Path datasetsRoot() {
        String override = System.getProperty("quiver.datasets");
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent.resolve("shared").resolve("datasets"))) {
                return parent.resolve("shared").resolve("datasets");
            }
        }
        return null;
    }

    static float[][] readFvecs(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<float[]> rows = new ArrayList<>();
        while (buf.hasRemaining()) {
            float[] row = new float[buf.getInt()];
            buf.asFloatBuffer().get(row);
            buf.position(buf.position() + 4 * row.length);
            rows.add(row);
        }
        return rows.toArray(float[][]::new);
    }

    static int[][] readIvecs(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> rows = new ArrayList<>();
        while (buf.hasRemaining()) {
            int[] row = new int[buf.getInt()];
            buf.asIntBuffer().get(row);
            buf.position(buf.position() + 4 * row.length);
            rows.add(row);
        }
        return rows.toArray(int[][]::new);
    }
}
