package dev.quiver.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out with jackson-core's streaming parser and generator (no data binding). Request bodies are small
 * (bounded by the server's body limit) and parse into plain Java values: {@code Map} (insertion order), {@code List},
 * {@code String}, {@code Long} or {@code BigInteger}, {@code Double}, {@code Boolean} and {@code null}.
 */
public final class Json {

    /** Nesting deeper than this is rejected (metadata itself is limited to less by the engine). */
    static final int MAX_DEPTH = 128;

    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private Json() {
    }

    /**
     * Parses one JSON document.
     *
     * @throws ApiException 400 {@code malformed_json} naming the position of the syntax error
     */
    public static Object parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.malformed("malformed JSON: empty request body");
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            Object value = read(p, first);
            if (p.nextToken() != null) {
                throw ApiException.malformed("malformed JSON: unexpected content after the document at "
                        + location(p));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ApiException.malformed("malformed JSON: " + readable(e.getOriginalMessage()) + " at "
                    + (e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw ApiException.malformed("malformed JSON: " + e.getMessage());
        }
    }

    /** Parses a body that must be a JSON object. */
    public static Map<String, Object> parseObject(byte[] body) {
        Object value = parse(body);
        if (!(value instanceof Map<?, ?>)) {
            throw ApiException.malformed("request body must be a JSON object, got " + typeName(value));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return map;
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw ApiException.malformed("malformed JSON: unexpected end of input");
        }
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken next;
                while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    if (map.containsKey(key)) {
                        throw ApiException.malformed("malformed JSON: duplicate key '" + key + "' at " + location(p));
                    }
                    map.put(key, read(p, p.nextToken()));
                }
                if (next != JsonToken.END_OBJECT) {
                    throw ApiException.malformed("malformed JSON: unexpected " + next + " at " + location(p));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(read(p, next));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw ApiException.malformed("malformed JSON: unexpected " + t + " at " + location(p));
        };
    }

    /** Jackson's message without its source description ({@code [Source: REDACTED (...); line: 1, column: 1]}). */
    static String readable(String message) {
        return message == null ? "syntax error" : message.replaceAll("\\[Source: [^\\]]*?; line", "[line");
    }

    private static String location(JsonParser p) {
        var loc = p.currentLocation();
        return "line " + loc.getLineNr() + " column " + loc.getColumnNr();
    }

    /** The JSON type of a parsed value, for messages. */
    static String typeName(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            default -> value.getClass().getSimpleName();
        };
    }

    /** A generator over {@code out}; closing it does not close {@code out}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /** Writes a plain Java value (maps, lists, strings, numbers, booleans, null, float arrays). */
    public static void write(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Float f -> g.writeNumber(f);
            case Double d -> g.writeNumber(d);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i);
            case java.math.BigInteger bi -> g.writeNumber(bi);
            case java.math.BigDecimal bd -> g.writeNumber(bd);
            case Number n -> g.writeNumber(n.doubleValue());
            case float[] v -> writeVector(g, v);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> it -> {
                g.writeStartArray();
                for (Object o : it) {
                    write(g, o);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    /** Floats in their shortest round-trip text; non-finite values (never stored) would be written as null. */
    public static void writeVector(JsonGenerator g, float[] v) throws IOException {
        g.writeStartArray(v, v.length);
        for (float f : v) {
            if (Float.isFinite(f)) {
                g.writeNumber(f);
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
    }
}
