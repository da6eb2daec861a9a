package dev.quiver.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.quiver.Metric;
import dev.quiver.VectorRecord;
import dev.quiver.internal.meta.JsonSupport;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the vctrs export document record by record, so an export of any size holds one record in memory:
 * <pre>
 * {"version":1,"dim":D,"metric":"cosine","vectors":[{"id":"a","vector":[0.1,...],"metadata":{...}},...]}
 * </pre>
 * Fields in that order; {@code metadata} omitted for a record without metadata; metadata keys sorted (as stored);
 * vector components as the shortest text that reads back to the same float32 ({@link Float#toString}, so
 * {@code 1.0E-5} where vctrs writes {@code 1e-5}: the same JSON number). Pretty output indents by two spaces, one
 * value per line, with {@code ": "} after keys, as serde_json's pretty printer does.
 *
 * <p>Non-finite components cannot occur (they are rejected on the way in, departure 8); should one reach the
 * exporter it refuses the record rather than write vctrs's {@code null}, which made exports un-importable.
 */
public final class JsonExporter implements Closeable {

    /** The {@code version} field written. */
    public static final int EXPORT_VERSION = 1;

    private final JsonGenerator g;
    private final int dim;
    private long records;

    /** Writes the header and opens the {@code vectors} array. The stream is closed by {@link #close()}. */
    public JsonExporter(OutputStream out, int dim, Metric metric, boolean pretty) throws IOException {
        this.dim = dim;
        this.g = JsonSupport.FACTORY.createGenerator(out, JsonEncoding.UTF8);
        if (pretty) {
            g.setPrettyPrinter(serdeStylePrettyPrinter());
        }
        g.writeStartObject();
        g.writeNumberField("version", EXPORT_VERSION);
        g.writeNumberField("dim", dim);
        g.writeStringField("metric", metric.canonicalName());
        g.writeFieldName("vectors");
        g.writeStartArray();
    }

    private static DefaultPrettyPrinter serdeStylePrettyPrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(separators);
        pp.indentArraysWith(indenter);
        pp.indentObjectsWith(indenter);
        return pp;
    }

    public void write(VectorRecord record) throws IOException {
        write(record.id(), record.vector(), record.metadata());
    }

    /** Appends one record; {@code metadata} null for none. */
    public void write(String id, float[] vector, Map<String, Object> metadata) throws IOException {
        if (vector.length != dim) {
            throw new IllegalArgumentException("record '" + id + "' has " + vector.length + " components, export dim is " + dim);
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException("record '" + id + "' has a non-finite component at " + i + ": " + vector[i]);
            }
        }
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeFieldName("vector");
        writeVector(vector);
        if (metadata != null) {
            g.writeFieldName("metadata");
            JsonSupport.writeValue(g, metadata);
        }
        g.writeEndObject();
        records++;
    }

    // JsonGenerator.writeArray has no float[] overload, and widening to double would print float32 values with
    // double digits (0.1f as 0.10000000149011612); writeNumber(float) prints the float's own shortest text.
    private void writeVector(float[] vector) throws IOException {
        g.writeStartArray(vector, vector.length);
        for (float f : vector) {
            g.writeNumber(f);
        }
        g.writeEndArray();
    }

    public long recordCount() {
        return records;
    }

    /** Closes the array and the document, flushes and closes the stream. */
    @Override
    public void close() throws IOException {
        g.writeEndArray();
        g.writeEndObject();
        g.close();
    }

    /** Writes a whole export from an iterator of records; returns the number written. */
    public static long export(OutputStream out, int dim, Metric metric, boolean pretty,
                              Iterator<VectorRecord> records) throws IOException {
        try (JsonExporter exporter = new JsonExporter(out, dim, metric, pretty)) {
            while (records.hasNext()) {
                exporter.write(records.next());
            }
            return exporter.recordCount();
        }
    }
}
