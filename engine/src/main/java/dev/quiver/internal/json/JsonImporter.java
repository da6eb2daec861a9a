package dev.quiver.internal.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.quiver.CorruptDataException;
import dev.quiver.DimensionMismatchException;
import dev.quiver.VectorRecord;
import dev.quiver.internal.meta.JsonSupport;
import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataCodec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a vctrs export document ({@link JsonExporter}) record by record and hands the records to a consumer in
 * batches, so an import of any size holds one batch in memory.
 *
 * <p>The document is an object with {@code version}, {@code dim}, {@code metric} and {@code vectors} (all required,
 * in any order; unknown fields are skipped). Each element of {@code vectors} needs {@code id} (a string) and
 * {@code vector} (numbers, each within float32 range), and may have {@code metadata} (an object, or null for none).
 * Departures from vctrs (docs/DEPARTURES.md E10): {@code version} must be 1 (vctrs does not look); {@code metric}
 * must be a string but is not checked against the database (as in vctrs; {@link Summary#metric} reports it).
 *
 * <p>Errors, in vctrs's order of precedence: anything malformed is {@code corrupt data: invalid JSON: <what> at line
 * L column C} ({@link CorruptDataException}); then a file {@code dim} different from the database's is
 * {@code dimension mismatch: expected <db>, got <file>}; then a vector of the wrong length is the same exception with
 * its length.
 *
 * <p>{@link #importFile} reads a file twice: a first pass checks the whole document and delivers nothing, the second
 * delivers batches, so a bad file imports nothing (vctrs parsed the whole document into memory for that guarantee).
 * {@link #read} makes one pass over a stream: it checks each vector before delivering its batch and the file's
 * {@code dim} as soon as it is read, but a malformation late in the stream is found after earlier batches were
 * delivered; and when {@code vectors} comes before {@code dim} in the stream, the header check happens after the
 * records (our exporter and vctrs's write {@code dim} first).
 */
public final class JsonImporter {

    /** Records per batch when the caller does not choose. */
    public static final int DEFAULT_BATCH_SIZE = 1024;

    /** What an import read: the header values and the number of records. */
    public record Summary(int version, int dim, String metric, long records) {
    }

    private JsonImporter() {
    }

    /**
     * Imports a file: validates all of it, then delivers its records in batches of {@code batchSize}.
     *
     * @param expectedDim the database's dimension
     * @throws java.io.IOException when the file cannot be read (the caller maps it to its I/O error)
     */
    public static Summary importFile(Path file, int expectedDim, int batchSize, Consumer<List<VectorRecord>> sink)
            throws IOException {
        return importFile(file, expectedDim, batchSize, record -> { }, sink);
    }

    /**
     * Like {@link #importFile(Path, int, int, Consumer)}, and the validation pass also hands every well-formed record
     * to {@code check} (the receiver's own checks: whatever it throws fails the import before any batch).
     */
    public static Summary importFile(Path file, int expectedDim, int batchSize, Consumer<VectorRecord> check,
                                     Consumer<List<VectorRecord>> sink) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            new Pass(expectedDim, batchSize, null, check).run(in);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return new Pass(expectedDim, batchSize, sink, record -> { }).run(in);
        }
    }

    /** One streaming pass: delivers batches as they fill (see the class comment for what that means on errors). */
    public static Summary read(InputStream in, int expectedDim, int batchSize, Consumer<List<VectorRecord>> sink)
            throws IOException {
        return new Pass(expectedDim, batchSize, sink, record -> { }).run(in);
    }

    /**
     * Validates a whole document and returns its header, delivering nothing; {@code expectedDim} 0 takes the file's
     * own {@code dim} as the expected one (for creating a database from an export).
     */
    public static Summary validate(InputStream in, int expectedDim) throws IOException {
        return new Pass(expectedDim, DEFAULT_BATCH_SIZE, null, record -> { }).run(in);
    }

    /** One read of a document. A null sink validates only, and then defers dimension errors behind syntax errors. */
    private static final class Pass {
        private final int batchSize;
        private final Consumer<List<VectorRecord>> sink;
        private final Consumer<VectorRecord> check;
        private final int expectedDim;
        private Integer version;
        private Integer dim;
        private String metric;
        private boolean sawVectors;
        private long records;
        private List<VectorRecord> batch;
        // Validate-only passes defer length errors behind syntax errors; these two lengths (the first seen, and the
        // first that differs from it) are enough to name the first vector whose length differs from any expected dim.
        private int firstLength = -1;
        private int otherLength = -1;

        Pass(int expectedDim, int batchSize, Consumer<List<VectorRecord>> sink, Consumer<VectorRecord> check) {
            if (sink != null && expectedDim < 1) {
                throw new IllegalArgumentException("expectedDim must be at least 1 to deliver records, got " + expectedDim);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.expectedDim = expectedDim;
            this.batchSize = batchSize;
            this.sink = sink;
            this.check = check;
            this.batch = new ArrayList<>(Math.min(batchSize, DEFAULT_BATCH_SIZE));
        }

        Summary run(InputStream in) throws IOException {
            try (JsonParser p = JsonSupport.FACTORY.createParser(in)) {
                readDocument(p);
            } catch (JsonProcessingException e) {
                throw new CorruptDataException("corrupt data: invalid JSON: " + JsonSupport.describe(e), e);
            }
            return new Summary(version, dim, metric, records);
        }

        private void readDocument(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(p, p.currentToken() == null ? "EOF while parsing a value" : "invalid type: expected an export object");
            }
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "version" -> version = intField(p, t, "version");
                    case "dim" -> {
                        dim = intField(p, t, "dim");
                        if (dim < 1) {
                            throw invalid(p, "invalid value: dim must be at least 1, got " + dim);
                        }
                        if (sink != null && dim != expectedDim) {
                            throw mismatch(expectedDim, dim);
                        }
                    }
                    case "metric" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            throw invalid(p, "invalid type: expected a string for `metric`");
                        }
                        metric = p.getText();
                    }
                    case "vectors" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw invalid(p, "invalid type: expected an array for `vectors`");
                        }
                        sawVectors = true;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            readRecord(p);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            // Just past the closing brace (serde reports a missing field there too; Jackson's token location after
            // nextFieldName() can lag, the read position does not).
            JsonLocation end = p.currentLocation();
            if (p.nextToken() != null) {
                throw invalid(p, "trailing characters");
            }
            for (String required : List.of("version", "dim", "metric", "vectors")) {
                boolean present = switch (required) {
                    case "version" -> version != null;
                    case "dim" -> dim != null;
                    case "metric" -> metric != null;
                    default -> sawVectors;
                };
                if (!present) {
                    throw invalidAt(end, "missing field `" + required + "`");
                }
            }
            if (version != JsonExporter.EXPORT_VERSION) {
                throw invalidAt(end, "unsupported export version " + version + " (this build reads "
                        + JsonExporter.EXPORT_VERSION + ")");
            }
            int effective = expectedDim > 0 ? expectedDim : dim;
            if (dim != effective) {
                throw mismatch(effective, dim);
            }
            int bad = firstLength != effective ? firstLength : otherLength;
            if (firstLength >= 0 && bad >= 0) {
                throw mismatch(effective, bad);
            }
            flush();
        }

        private static DimensionMismatchException mismatch(int expected, int got) {
            return new DimensionMismatchException("dimension mismatch: expected " + expected + ", got " + got);
        }

        private static int intField(JsonParser p, JsonToken t, String name) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                throw invalid(p, "invalid type: expected an integer for `" + name + "`");
            }
            return p.getIntValue();
        }

        private void readRecord(JsonParser p) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw invalid(p, "invalid type: expected a record object in `vectors`");
            }
            String id = null;
            float[] vector = null;
            Map<String, Object> metadata = null;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            throw invalid(p, "invalid type: expected a string for `id`");
                        }
                        id = p.getText();
                        // Checked in the validation pass too, so an id the database would refuse fails the import
                        // before any batch is applied.
                        IdMap.validateId(id);
                    }
                    case "vector" -> vector = readVector(p, t);
                    case "metadata" -> {
                        if (t == JsonToken.START_OBJECT) {
                            metadata = MetadataCodec.validate(JsonSupport.readObject(p));
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw invalid(p, "invalid type: expected an object or null for `metadata`");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (id == null || vector == null) {
                throw invalidAt(p.currentLocation(), "missing field `" + (id == null ? "id" : "vector") + "` in record");
            }
            if (sink != null) {
                if (vector.length != expectedDim) {
                    throw mismatch(expectedDim, vector.length);
                }
            } else if (firstLength < 0) {
                firstLength = vector.length;
            } else if (otherLength < 0 && vector.length != firstLength) {
                otherLength = vector.length;
            }
            if (vector.length == (expectedDim > 0 ? expectedDim : vector.length)) {
                check.accept(new VectorRecord(id, vector, metadata));
            }
            records++;
            if (sink != null) {
                batch.add(new VectorRecord(id, vector, metadata));
                if (batch.size() >= batchSize) {
                    flush();
                }
            }
        }

        private float[] readVector(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                throw invalid(p, "invalid type: expected an array for `vector`");
            }
            float[] v = new float[expectedDim > 0 ? expectedDim : 16];
            int n = 0;
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (e != JsonToken.VALUE_NUMBER_FLOAT && e != JsonToken.VALUE_NUMBER_INT) {
                    throw invalid(p, "invalid type: " + describe(e) + ", expected a number in `vector`");
                }
                float f = p.getFloatValue();
                if (!Float.isFinite(f)) {
                    throw invalid(p, "invalid value: " + p.getText() + " is outside the float32 range");
                }
                if (n == v.length) {
                    v = Arrays.copyOf(v, Math.max(16, n * 2));
                }
                v[n++] = f;
            }
            return n == v.length ? v : Arrays.copyOf(v, n);
        }

        private static String describe(JsonToken t) {
            return switch (t) {
                case VALUE_NULL -> "null";
                case VALUE_STRING -> "string";
                case VALUE_TRUE, VALUE_FALSE -> "boolean";
                case START_ARRAY -> "array";
                case START_OBJECT -> "object";
                default -> t.toString();
            };
        }

        private void flush() {
            if (sink != null && !batch.isEmpty()) {
                sink.accept(batch);
                batch = new ArrayList<>(Math.min(batchSize, DEFAULT_BATCH_SIZE));
            }
        }

        private static CorruptDataException invalid(JsonParser p, String what) {
            return invalidAt(p.currentTokenLocation(), what);
        }

        private static CorruptDataException invalidAt(JsonLocation loc, String what) {
            return new CorruptDataException("corrupt data: invalid JSON: " + what
                    + " at line " + loc.getLineNr() + " column " + loc.getColumnNr());
        }
    }
}
