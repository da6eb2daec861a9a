package dev.quiver.cli.io;

import dev.quiver.cli.CliException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON lines: one object per line, {@code {"id": "...", "vector": [...], "metadata": {...}}} ({@code metadata}
 * optional, blank lines skipped). A line without an id gets {@code prefix + line's record number}.
 */
public final class JsonLinesSource implements VectorSource {

    private final Path file;
    private final String idPrefix;
    private final BufferedReader reader;
    private String pending;
    private long lineNumber;
    private long record;
    private int dim = -1;

    JsonLinesSource(Path file, String idPrefix) throws IOException {
        this.file = file;
        this.idPrefix = idPrefix;
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    @Override
    public int dim() throws IOException {
        if (dim < 0) {
            pending = nextLine();
            if (pending == null) {
                throw CliException.invalid(file + ": empty file, no records");
            }
            dim = vector(MetadataLines.parse(file, lineNumber, pending)).length;
        }
        return dim;
    }

    private String nextLine() throws IOException {
        String line;
        do {
            line = reader.readLine();
            lineNumber++;
        } while (line != null && line.isBlank());
        return line;
    }

    @Override
    public Batch next(int max) throws IOException {
        dim();
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Map<String, Object>> metas = new ArrayList<>();
        while (ids.size() < max) {
            String line = pending != null ? pending : nextLine();
            pending = null;
            if (line == null) {
                break;
            }
            Map<String, Object> obj = MetadataLines.parse(file, lineNumber, line);
            if (obj == null) {
                throw CliException.invalid(file + ": line " + lineNumber + ": expected a record object, got null");
            }
            Object id = obj.get("id");
            if (id != null && !(id instanceof String)) {
                throw CliException.invalid(file + ": line " + lineNumber + ": 'id' must be a string");
            }
            if ("".equals(id)) {
                throw CliException.invalid(file + ": line " + lineNumber + ": 'id' must not be empty");
            }
            float[] v = vector(obj);
            if (v.length != dim) {
                throw CliException.invalid(file + ": line " + lineNumber + ": vector has dimension " + v.length
                        + ", earlier records " + dim);
            }
            Object meta = obj.get("metadata");
            if (meta != null && !(meta instanceof Map<?, ?>)) {
                throw CliException.invalid(file + ": line " + lineNumber + ": 'metadata' must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) meta;
            ids.add(id != null ? (String) id : idPrefix + record);
            vectors.add(v);
            metas.add(m);
            record++;
        }
        return ids.isEmpty() ? null : new Batch(ids, vectors.toArray(new float[0][]), metas);
    }

    private float[] vector(Map<String, Object> obj) {
        if (!(obj.get("vector") instanceof List<?> list)) {
            throw CliException.invalid(file + ": line " + lineNumber + ": 'vector' must be an array of numbers");
        }
        return Vectors.fromJson(list, file + ": line " + lineNumber + ": vector");
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
