package dev.quiver.internal.json;

import dev.quiver.CorruptDataException;
import dev.quiver.DimensionMismatchException;
import dev.quiver.InvalidArgumentException;
import dev.quiver.Metric;
import dev.quiver.VectorRecord;
import dev.quiver.internal.meta.MetadataCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonExportImportTest {

    @TempDir
    Path dir;

    private static List<VectorRecord> randomRecords(Random rnd, int n, int dim) {
        List<VectorRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = switch (rnd.nextInt(5)) {
                    case 0 -> Float.intBitsToFloat(rnd.nextInt() & 0x7F7F_FFFF) * (rnd.nextBoolean() ? 1 : -1);
                    case 1 -> 0.1f * rnd.nextInt(10);
                    default -> (float) rnd.nextGaussian();
                };
            }
            Map<String, Object> md = null;
            if (rnd.nextInt(3) != 0) {
                md = new LinkedHashMap<>();
                md.put("n", rnd.nextInt(100));
                md.put("s", "r\u00e9cord \uD83D\uDE00 " + i);
                if (rnd.nextBoolean()) {
                    md.put("tags", List.of("x", rnd.nextDouble(), Map.of("deep", true)));
                }
                md = MetadataCodec.validate(md);
            }
            out.add(new VectorRecord("id-" + i + (rnd.nextInt(10) == 0 ? " \"quoted\"" : ""), v, md));
        }
        return out;
    }

    private static byte[] export(List<VectorRecord> records, int dim, boolean pretty) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(records.size(), JsonExporter.export(out, dim, Metric.COSINE, pretty, records.iterator()));
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<VectorRecord> importAll(Path file, int dim, int batchSize, List<Integer> batchSizes) throws IOException {
        List<VectorRecord> got = new ArrayList<>();
        JsonImporter.importFile(file, dim, batchSize, batch -> {
            batchSizes.add(batch.size());
            got.addAll(batch);
        });
        return got;
    }

    @Test
    @Tag("scalar-path")
    void exportThenImportGivesTheSameRecords() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int n : new int[] {0, 1, 7, 1100}) {
            for (int dim : new int[] {1, 3, 17}) {
                for (boolean pretty : new boolean[] {false, true}) {
                    List<VectorRecord> records = randomRecords(rnd, n, dim);
                    Path file = write("e.json", export(records, dim, pretty));
                    List<Integer> batches = new ArrayList<>();
                    List<VectorRecord> back = importAll(file, dim, 1024, batches);
                    assertEquals(records, back, "seed " + seed + " n " + n + " dim " + dim + " pretty " + pretty);
                    assertEquals(batches.stream().mapToInt(Integer::intValue).sum(), n);
                    assertTrue(batches.stream().allMatch(b -> b <= 1024 && b > 0));
                    assertEquals(new JsonImporter.Summary(1, dim, "cosine", n),
                            JsonImporter.validate(Files.newInputStream(file), dim));
                }
            }
        }
    }

    @Test
    void compactShapeMatchesVctrs() throws IOException {
        Map<String, Object> md = MetadataCodec.validate(Map.of("b", 1, "a", "x"));
        List<VectorRecord> records = List.of(new VectorRecord("a", new float[] {0.1f, 1f, -2.5f}, md),
                new VectorRecord("b", new float[] {1e-5f, 3.4028235e38f, 0f}, null));
        assertEquals("{\"version\":1,\"dim\":3,\"metric\":\"cosine\",\"vectors\":["
                + "{\"id\":\"a\",\"vector\":[0.1,1.0,-2.5],\"metadata\":{\"a\":\"x\",\"b\":1}},"
                + "{\"id\":\"b\",\"vector\":[1.0E-5,3.4028235E38,0.0]}]}",
                new String(export(records, 3, false), StandardCharsets.UTF_8));
    }

    @Test
    void prettyShapeIndentsByTwoSpaces() throws IOException {
        List<VectorRecord> records = List.of(new VectorRecord("a", new float[] {0.5f, 2f},
                MetadataCodec.validate(Map.of("k", List.of(), "e", Map.of()))));
        String expected = """
                {
                  "version": 1,
                  "dim": 2,
                  "metric": "cosine",
                  "vectors": [
                    {
                      "id": "a",
                      "vector": [
                        0.5,
                        2.0
                      ],
                      "metadata": {
                        "e": {},
                        "k": []
                      }
                    }
                  ]
                }""";
        assertEquals(expected, new String(export(records, 2, true), StandardCharsets.UTF_8));
        assertEquals("{\n  \"version\": 1,\n  \"dim\": 4,\n  \"metric\": \"cosine\",\n  \"vectors\": []\n}",
                new String(export(List.of(), 4, true), StandardCharsets.UTF_8));
    }

    @Test
    void batchesFollowTheRequestedSize() throws IOException {
        List<VectorRecord> records = randomRecords(new Random(7), 10, 2);
        Path file = write("b.json", export(records, 2, false));
        List<Integer> sizes = new ArrayList<>();
        assertEquals(records, importAll(file, 2, 4, sizes));
        assertEquals(List.of(4, 4, 2), sizes);
    }

    @Test
    void fieldOrderAndUnknownFieldsDoNotMatter() throws IOException {
        Path file = write("o.json", "{\"vectors\": [{\"extra\": [1, {\"x\": 2}], \"vector\": [1, 2.5], \"id\": \"x\","
                + " \"metadata\": null}], \"comment\": {\"a\": [1]}, \"metric\": \"l2\", \"dim\": 2, \"version\": 1}");
        List<VectorRecord> got = importAll(file, 2, 10, new ArrayList<>());
        assertEquals(List.of(new VectorRecord("x", new float[] {1f, 2.5f}, null)), got);
        assertEquals("l2", JsonImporter.validate(Files.newInputStream(file), 0).metric());
    }

    private void assertCorrupt(String json, String expectedMessage) throws IOException {
        Path file = write("bad.json", json);
        List<VectorRecord> delivered = new ArrayList<>();
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> JsonImporter.importFile(file, 2, 1, delivered::addAll), json);
        assertEquals(expectedMessage, e.getMessage(), json);
        assertEquals(List.of(), delivered, "a bad file imports nothing");
    }

    @Test
    void malformedDocumentsAreCorruptDataNamingWhereAndWhat() throws IOException {
        String ok = "{\"id\":\"a\",\"vector\":[1,2]}";
        assertCorrupt("", "corrupt data: invalid JSON: EOF while parsing a value at line 1 column 0");
        assertCorrupt("[]", "corrupt data: invalid JSON: invalid type: expected an export object at line 1 column 1");
        assertCorrupt("{\"version\":1,\"dim\":2,\"metric\":\"cosine\"}",
                "corrupt data: invalid JSON: missing field `vectors` at line 1 column 40");
        assertCorrupt("{\"version\":1,\"metric\":\"cosine\",\"vectors\":[]}",
                "corrupt data: invalid JSON: missing field `dim` at line 1 column 45");
        assertCorrupt("{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[" + ok + ",{\"id\":\"b\"}]}",
                "corrupt data: invalid JSON: missing field `vector` in record at line 1 column 87");
        assertCorrupt("{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":7,\"vector\":[1,2]}]}",
                "corrupt data: invalid JSON: invalid type: expected a string for `id` at line 1 column 57");
        assertCorrupt("{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":\"a\",\"vector\":[1,null]}]}",
                "corrupt data: invalid JSON: invalid type: null, expected a number in `vector` at line 1 column 73");
        assertCorrupt("{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":\"a\",\"vector\":[1,1e39]}]}",
                "corrupt data: invalid JSON: invalid value: 1e39 is outside the float32 range at line 1 column 73");
        assertCorrupt("{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":\"a\",\"vector\":[1,2],\"metadata\":[1]}]}",
                "corrupt data: invalid JSON: invalid type: expected an object or null for `metadata` at line 1 column 87");
        assertCorrupt("{\"version\":2,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[]}",
                "corrupt data: invalid JSON: unsupported export version 2 (this build reads 1) at line 1 column 53");
        assertCorrupt("{\"version\":1,\"dim\":\"2\",\"metric\":\"cosine\",\"vectors\":[]}",
                "corrupt data: invalid JSON: invalid type: expected an integer for `dim` at line 1 column 20");
        // Syntax errors come from the parser; only the prefix and the position format are ours.
        for (String bad : List.of("{\"version\":1,\"dim\":2,", "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[" + ok + ",]}",
                "{\"version\":1,\"dim\":2,\"dim\":2}",
                "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[]} x", "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[" + ok)) {
            Path file = write("bad.json", bad);
            CorruptDataException e = assertThrows(CorruptDataException.class,
                    () -> JsonImporter.importFile(file, 2, 1, batch -> { throw new AssertionError("delivered " + batch); }));
            assertTrue(e.getMessage().matches("corrupt data: invalid JSON: .* at line \\d+ column \\d+"), e.getMessage());
        }
    }

    @Test
    void dimensionMismatchesNameBothDimensions() throws IOException {
        Path wrongHeader = write("d.json", "{\"version\":1,\"dim\":3,\"metric\":\"cosine\",\"vectors\":[]}");
        DimensionMismatchException e = assertThrows(DimensionMismatchException.class,
                () -> JsonImporter.importFile(wrongHeader, 2, 8, b -> { }));
        assertEquals("dimension mismatch: expected 2, got 3", e.getMessage());
        Path wrongVector = write("v.json", "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":"
                + "[{\"id\":\"a\",\"vector\":[1,2]},{\"id\":\"b\",\"vector\":[1,2,3]}]}");
        e = assertThrows(DimensionMismatchException.class, () -> JsonImporter.importFile(wrongVector, 2, 1, b -> {
            throw new AssertionError("nothing may be delivered");
        }));
        assertEquals("dimension mismatch: expected 2, got 3", e.getMessage());
        // Corrupt JSON wins over a dimension mismatch, as in vctrs (which parses before comparing).
        Path both = write("c.json", "{\"version\":1,\"dim\":3,\"metric\":\"cosine\",\"vectors\":[}");
        assertThrows(CorruptDataException.class, () -> JsonImporter.importFile(both, 2, 1, b -> { }));
        // A header that follows the vectors is still checked.
        Path late = write("l.json", "{\"vectors\":[{\"id\":\"a\",\"vector\":[1,2,3]}],\"version\":1,\"dim\":3,\"metric\":\"cosine\"}");
        e = assertThrows(DimensionMismatchException.class, () -> JsonImporter.importFile(late, 2, 1, b -> { }));
        assertEquals("dimension mismatch: expected 2, got 3", e.getMessage());
        assertEquals(3, JsonImporter.validate(Files.newInputStream(late), 0).dim());
    }

    @Test
    void anIdTheDatabaseWouldRefuseFailsTheImportBeforeAnyBatch() throws IOException {
        for (String badId : new String[] {"", "\\ud800", "x".repeat(1025)}) {
            Path file = write("id.json", "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":"
                    + "[{\"id\":\"a\",\"vector\":[1,2]},{\"id\":\"" + badId + "\",\"vector\":[3,4]}]}");
            assertThrows(InvalidArgumentException.class, () -> JsonImporter.importFile(file, 2, 1, b -> {
                throw new AssertionError("nothing may be delivered, id " + badId);
            }), badId);
        }
    }

    @Test
    void streamingReadDeliversAsItGoes() throws IOException {
        List<VectorRecord> records = randomRecords(new Random(3), 5, 3);
        byte[] bytes = export(records, 3, false);
        List<VectorRecord> got = new ArrayList<>();
        JsonImporter.Summary s = JsonImporter.read(new ByteArrayInputStream(bytes), 3, 2, got::addAll);
        assertEquals(records, got);
        assertEquals(5, s.records());
        // Cut the stream: the complete batches before the cut were delivered, then the error.
        List<VectorRecord> partial = new ArrayList<>();
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(CorruptDataException.class, () -> JsonImporter.read(new ByteArrayInputStream(cut), 3, 2, partial::addAll));
        assertEquals(records.subList(0, 4), partial);
    }

    @Test
    void exporterRefusesWhatCouldNotBeImported() throws IOException {
        JsonExporter ex = new JsonExporter(new ByteArrayOutputStream(), 2, Metric.EUCLIDEAN, false);
        assertThrows(IllegalArgumentException.class, () -> ex.write("a", new float[] {Float.NaN, 1}, null));
        assertThrows(IllegalArgumentException.class, () -> ex.write("a", new float[] {1}, null));
        ex.close();
    }
}
