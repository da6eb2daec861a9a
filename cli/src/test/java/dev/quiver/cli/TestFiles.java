package dev.quiver.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Writes vector files in every import format, and finds the shared data sets. */
final class TestFiles {

    private TestFiles() {
    }

    static float[][] gaussian(int n, int dim, long seed) {
        Random rnd = new Random(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int i = 0; i < dim; i++) {
                row[i] = (float) rnd.nextGaussian();
            }
        }
        return v;
    }

    static void fvecs(Path file, float[][] rows) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (float[] r : rows) {
                ByteBuffer b = ByteBuffer.allocate(4 + 4 * r.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(r.length);
                for (float f : r) {
                    b.putFloat(f);
                }
                out.write(b.array());
            }
        }
    }

    static void bvecs(Path file, int[][] rows) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int[] r : rows) {
                ByteBuffer b = ByteBuffer.allocate(4 + r.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(r.length);
                for (int x : r) {
                    b.put((byte) x);
                }
                out.write(b.array());
            }
        }
    }

    static void ivecs(Path file, int[][] rows) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int[] r : rows) {
                ByteBuffer b = ByteBuffer.allocate(4 + 4 * r.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(r.length);
                for (int x : r) {
                    b.putInt(x);
                }
                out.write(b.array());
            }
        }
    }

    /** A version-1 .npy file: descr '<f4' or '<f8' from the values, C order, shape (n, dim). */
    static void npy(Path file, float[][] rows, boolean float64) throws IOException {
        int dim = rows[0].length;
        String dict = "{'descr': '" + (float64 ? "<f8" : "<f4") + "', 'fortran_order': False, 'shape': ("
                + rows.length + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + rows.length * dim * (float64 ? 8 : 4))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float[] r : rows) {
            for (float f : r) {
                if (float64) {
                    b.putDouble(f);
                } else {
                    b.putFloat(f);
                }
            }
        }
        Files.write(file, b.array());
    }

    static void jsonl(Path file, List<String> ids, float[][] rows, List<Map<String, Object>> metas)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.length; i++) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", ids.get(i));
            m.put("vector", rows[i]);
            if (metas != null && metas.get(i) != null) {
                m.put("metadata", metas.get(i));
            }
            sb.append(Output.json(m, false)).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    /**
     * The shared data sets folder, resolved like the bench module's DatasetResolver: {@code -Dquiver.datasets}, else
     * {@code $QUIVER_DATASETS}, else {@code shared/datasets} beside the working directory or one of its parents.
     */
    static Path datasetsRoot() {
        String override = System.getProperty("quiver.datasets", System.getenv("QUIVER_DATASETS"));
        if (override != null && !override.isEmpty()) {
            return Files.isDirectory(Path.of(override)) ? Path.of(override) : null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent.resolve("shared").resolve("datasets"))) {
                return parent.resolve("shared").resolve("datasets");
            }
        }
        return null;
    }

    /** The first {@code n} rows of an fvecs file. */
    static float[][] readFvecs(Path file, int n) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        java.util.List<float[]> rows = new java.util.ArrayList<>();
        while (b.hasRemaining() && rows.size() < n) {
            float[] r = new float[b.getInt()];
            for (int i = 0; i < r.length; i++) {
                r[i] = b.getFloat();
            }
            rows.add(r);
        }
        return rows.toArray(new float[0][]);
    }
}
