package dev.quiver.engine.db;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.quiver.CorruptDataException;
import dev.quiver.DimensionMismatchException;
import dev.quiver.StorageException;
import dev.quiver.VectorRecord;
import dev.quiver.engine.meta.JsonSupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * vctrs's JSON document, streamed both ways (never the whole document in memory):
 * <pre>{@code {"version": 1, "dim": D, "metric": "cosine", "vectors": [{"id": "a", "vector": [..], "metadata": {..}}, ..]}}</pre>
 * {@code metadata} is omitted for a record without metadata. Export writes records in insertion order
 * (departure 10); floats as their shortest float32 text.
 */
public final class JsonTransfer {

    /** Records per {@code upsertMany} call during import: each batch is validated completely, then applied. */
    public static final int IMPORT_BATCH = 1_000;

    private JsonTransfer() {
    }

    /** Receives one validated-shape batch of imported records. */
    @FunctionalInterface
    public interface BatchSink {
        void upsertMany(List<String> ids, float[][] vectors, List<Map<String, Object>> metadatas);
    }

    /**
     * Writes the records of {@code ids} (looked up one by one, so a record deleted meanwhile is skipped).
     */
    public static void export(Path file, boolean pretty, DbShape shape, List<String> ids,
                              Function<String, Optional<VectorRecord>> lookup) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            g.writeStartObject();
            g.writeNumberField("version", 1);
            g.writeNumberField("dim", shape.dim());
            g.writeStringField("metric", shape.metric().canonicalName());
            g.writeFieldName("vectors");
            g.writeStartArray();
            for (String id : ids) {
                Optional<VectorRecord> r = lookup.apply(id);
                if (r.isEmpty()) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("id", id);
                g.writeFieldName("vector");
                g.writeStartArray();
                for (float x : r.get().vector()) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
                if (r.get().metadata() != null) {
                    g.writeFieldName("metadata");
                    JsonSupport.writeValue(g, r.get().metadata());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new StorageException("io error: cannot write '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * Reads the document and hands its records to {@code sink} in batches of {@link #IMPORT_BATCH}.
     *
     * @throws CorruptDataException       {@code corrupt data: invalid JSON: ...} for a malformed document
     * @throws DimensionMismatchException when the document's dim differs from {@code dim}
     */
    public static void importInto(Path file, int dim, BatchSink sink) {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new StorageException("io error: No such file or directory: '" + file + "'", e);
        } catch (IOException e) {
            throw new StorageException("io error: cannot read '" + file + "': " + e.getMessage(), e);
        }
        try (InputStream in = new BufferedInputStream(raw, 1 << 16);
             JsonParser p = JsonSupport.FACTORY.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("expected a JSON object at the top level");
            }
            boolean sawDim = false;
            boolean sawVectors = false;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "dim" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT) {
                            throw invalid("'dim' must be an integer");
                        }
                        long fileDim = p.getLongValue();
                        if (fileDim != dim) {
                            throw new DimensionMismatchException("dimension mismatch: expected " + dim + ", got "
                                    + fileDim);
                        }
                        sawDim = true;
                    }
                    case "vectors" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw invalid("'vectors' must be an array");
                        }
                        readVectors(p, dim, sink);
                        sawVectors = true;
                    }
                    default -> p.skipChildren(); // version, metric and unknown fields are not checked (as vctrs)
                }
            }
            if (!sawDim) {
                throw invalid("missing field 'dim'");
            }
            if (!sawVectors) {
                throw invalid("missing field 'vectors'");
            }
        } catch (JsonProcessingException e) {
            throw new CorruptDataException("corrupt data: invalid JSON: " + JsonSupport.describe(e), e);
        } catch (IOException e) {
            throw new StorageException("io error: cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    private static void readVectors(JsonParser p, int dim, BatchSink sink) throws IOException {
        List<String> ids = new ArrayList<>(IMPORT_BATCH);
        List<float[]> vectors = new ArrayList<>(IMPORT_BATCH);
        List<Map<String, Object>> metas = new ArrayList<>(IMPORT_BATCH);
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw invalid("vectors[" + index + "] must be an object");
            }
            String id = null;
            float[] vector = null;
            Map<String, Object> meta = null;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            throw invalid("vectors[" + index + "].id must be a string");
                        }
                        id = p.getText();
                    }
                    case "vector" -> vector = readVector(p, index, dim);
                    case "metadata" -> {
                        if (t == JsonToken.START_OBJECT) {
                            meta = JsonSupport.readObject(p);
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw invalid("vectors[" + index + "].metadata must be an object or null");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (id == null) {
                throw invalid("vectors[" + index + "] has no 'id'");
            }
            if (vector == null) {
                throw invalid("vectors[" + index + "] has no 'vector'");
            }
            ids.add(id);
            vectors.add(vector);
            metas.add(meta);
            index++;
            if (ids.size() == IMPORT_BATCH) {
                sink.upsertMany(List.copyOf(ids), vectors.toArray(new float[0][]), new ArrayList<>(metas));
                ids.clear();
                vectors.clear();
                metas.clear();
            }
        }
        if (!ids.isEmpty()) {
            sink.upsertMany(List.copyOf(ids), vectors.toArray(new float[0][]), new ArrayList<>(metas));
        }
    }

    private static float[] readVector(JsonParser p, int index, int dim) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid("vectors[" + index + "].vector must be an array of numbers");
        }
        float[] v = new float[dim];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw invalid("vectors[" + index + "].vector[" + n + "] is not a number");
            }
            if (n == v.length) {
                v = java.util.Arrays.copyOf(v, Math.max(4, v.length * 2));
            }
            v[n++] = p.getFloatValue();
        }
        return n == v.length ? v : java.util.Arrays.copyOf(v, n);
    }

    private static CorruptDataException invalid(String what) {
        return new CorruptDataException("corrupt data: invalid JSON: " + what);
    }
}
