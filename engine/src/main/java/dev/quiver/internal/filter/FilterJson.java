package dev.quiver.internal.filter;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.quiver.Filter;
import dev.quiver.internal.meta.JsonSupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes a filter in the JSON dialect {@link FilterParser} reads, in a form that parses back to an equal filter:
 * every condition spelt out with its operator ({@code {"f": {"$eq": v}}}, because a bare object value would read
 * as operators), and {@code $and}/{@code $or}/{@code $not} for the logical nodes.
 */
public final class FilterJson {

    private FilterJson() {
    }

    public static String write(Filter filter) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            write(g, filter);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    public static void write(JsonGenerator g, Filter filter) throws IOException {
        g.writeStartObject();
        switch (filter) {
            case Filter.All all -> { }
            case Filter.Eq(String f, Object v) -> operator(g, f, "$eq", v);
            case Filter.Ne(String f, Object v) -> operator(g, f, "$ne", v);
            case Filter.In(String f, var vs) -> operator(g, f, "$in", vs);
            case Filter.Nin(String f, var vs) -> operator(g, f, "$nin", vs);
            case Filter.Range(String f, Filter.Op op, double bound) -> {
                g.writeFieldName(f);
                g.writeStartObject();
                g.writeFieldName(op.token());
                if (Double.isInfinite(bound)) {
                    // JSON has no infinity; 1e309 overflows to it when read back.
                    g.writeNumber(bound > 0 ? "1e309" : "-1e309");
                } else {
                    g.writeNumber(bound);
                }
                g.writeEndObject();
            }
            case Filter.Exists(String f, boolean exists) -> operator(g, f, "$exists", exists);
            case Filter.And(var children) -> logical(g, "$and", children);
            case Filter.Or(var children) -> logical(g, "$or", children);
            case Filter.Not(Filter child) -> {
                g.writeFieldName("$not");
                write(g, child);
            }
        }
        g.writeEndObject();
    }

    private static void operator(JsonGenerator g, String field, String op, Object value) throws IOException {
        g.writeFieldName(field);
        g.writeStartObject();
        g.writeFieldName(op);
        JsonSupport.writeValue(g, value);
        g.writeEndObject();
    }

    private static void logical(JsonGenerator g, String op, java.util.List<Filter> children) throws IOException {
        g.writeFieldName(op);
        g.writeStartArray();
        for (Filter child : children) {
            write(g, child);
        }
        g.writeEndArray();
    }
}
