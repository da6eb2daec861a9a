package dev.quiver.cli.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.quiver.cli.CliException;
import dev.quiver.server.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * vctrs's JSON export, streamed: {@code {"version": 1, "dim": D, "metric": "...", "vectors": [{"id", "vector",
 * "metadata"?}, ...]}}. The header fields are read first (they may come in any order; a document that puts
 * {@code vectors} before {@code dim} is read twice).
 */
public final class VctrsJsonSource implements VectorSource {

    private final Path file;
    private final int dim;
    private final String metric;
    private final JsonParser parser;
    private boolean done;
    private long record;

    VctrsJsonSource(Path file) throws IOException {
        this.file = file;
        Header h = header(file);
        this.dim = h.dim;
        this.metric = h.metric;
        this.parser = Json.FACTORY.createParser(file.toFile());
        try {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "the document must be a JSON object");
            JsonToken t;
            while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("vectors")) {
                    expect(value == JsonToken.START_ARRAY, "'vectors' must be an array");
                    return;
                }
                parser.skipChildren();
            }
            throw CliException.invalid(file + ": no 'vectors' array in the document");
        } catch (JsonProcessingException e) {
            parser.close();
            throw malformed(e);
        }
    }

    private record Header(int dim, String metric) { }

    private static Header header(Path file) throws IOException {
        Integer dim = null;
        String metric = null;
        try (JsonParser p = Json.FACTORY.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw CliException.invalid(file + ": the document must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME && (dim == null || metric == null)) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("dim") && value == JsonToken.VALUE_NUMBER_INT) {
                    dim = p.getIntValue();
                } else if (name.equals("metric") && value == JsonToken.VALUE_STRING) {
                    metric = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw CliException.invalid(file + ": corrupt data: invalid JSON: " + e.getOriginalMessage());
        }
        if (dim == null) {
            throw CliException.invalid(file + ": no integer 'dim' in the document");
        }
        return new Header(dim, metric);
    }

    /** The document's metric name, or null when it has none. */
    public String metric() {
        return metric;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public Batch next(int max) throws IOException {
        if (done) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Map<String, Object>> metas = new ArrayList<>();
        try {
            while (ids.size() < max) {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    done = true;
                    break;
                }
                expect(t == JsonToken.START_OBJECT, "vectors[" + record + "] must be an object");
                String id = null;
                float[] vector = null;
                Map<String, Object> metadata = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (name) {
                        case "id" -> {
                            expect(value == JsonToken.VALUE_STRING, "vectors[" + record + "].id must be a string");
                            id = parser.getText();
                        }
                        case "vector" -> vector = readVector(value);
                        case "metadata" -> metadata = readMetadata(value);
                        default -> parser.skipChildren();
                    }
                }
                expect(id != null, "vectors[" + record + "] has no id");
                expect(!id.isEmpty(), "vectors[" + record + "].id must not be empty");
                expect(vector != null, "vectors[" + record + "] has no vector");
                expect(vector.length == dim, "vectors[" + record + "] has dimension " + vector.length
                        + ", the document says " + dim);
                ids.add(id);
                vectors.add(vector);
                metas.add(metadata);
                record++;
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
        return ids.isEmpty() ? null : new Batch(ids, vectors.toArray(new float[0][]), metas);
    }

    private float[] readVector(JsonToken start) throws IOException {
        expect(start == JsonToken.START_ARRAY, "vectors[" + record + "].vector must be an array");
        float[] buf = new float[Math.max(dim, 1)];
        int n = 0;
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            expect(t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT,
                    "vectors[" + record + "].vector[" + n + "] must be a number");
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[n++] = parser.getFloatValue();
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readMetadata(JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(start == JsonToken.START_OBJECT, "vectors[" + record + "].metadata must be an object");
        return (Map<String, Object>) readValue(start);
    }

    private Object readValue(JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    m.put(key, readValue(parser.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(readValue(next));
                }
                yield l;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    private void expect(boolean ok, String what) {
        if (!ok) {
            throw CliException.invalid(file + ": " + what + " (near line " + parser.currentLocation().getLineNr()
                    + ")");
        }
    }

    private CliException malformed(JsonProcessingException e) {
        return CliException.invalid(file + ": corrupt data: invalid JSON: " + e.getOriginalMessage() + " at line "
                + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()));
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
