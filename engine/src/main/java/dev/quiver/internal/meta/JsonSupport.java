package dev.quiver.internal.meta;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing JSON values with Jackson's streaming API (no data binding), shared by the metadata codec,
 * the filter parser and JSON export/import.
 */
public final class JsonSupport {

    /**
     * One factory for the whole engine (factories are thread-safe and cache buffers). Duplicate keys are an error:
     * a filter {@code {"a": 1, "a": 2}} has no single meaning. The fast (still correctly rounded) number parser
     * halves import time: JsonTransferBench.importTwoPass, 100k x 128 floats, 5488 ms without, 2374 ms with it
     * (bench/results/filter.md).
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private JsonSupport() {
    }

    /**
     * Reads the value at the parser's current token (already advanced onto it), leaving the parser on its last token.
     * Object keys keep the file's order; numbers become Long / BigInteger / Double / BigDecimal as
     * {@link JsonValues} describes.
     */
    public static Object readValue(JsonParser p) throws IOException {
        return readValue(p, 0);
    }

    private static Object readValue(JsonParser p, int depth) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new JsonProcessingException("unexpected end of input", p.currentLocation()) { };
        }
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT, LONG -> p.getLongValue();
                default -> JsonValues.integerFromText(p.getText());
            };
            case VALUE_NUMBER_FLOAT -> JsonValues.floatFromText(p.getText());
            case START_ARRAY -> {
                checkDepth(p, depth);
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p, depth + 1));
                }
                yield list;
            }
            case START_OBJECT -> readObject(p, depth);
            default -> throw new JsonProcessingException("unexpected token " + t, p.currentLocation()) { };
        };
    }

    /** Reads an object whose START_OBJECT is the current token. */
    public static Map<String, Object> readObject(JsonParser p) throws IOException {
        return readObject(p, 0);
    }

    private static Map<String, Object> readObject(JsonParser p, int depth) throws IOException {
        checkDepth(p, depth);
        Map<String, Object> map = new LinkedHashMap<>();
        String key;
        while ((key = p.nextFieldName()) != null) {
            p.nextToken();
            map.put(key, readValue(p, depth + 1));
        }
        return map;
    }

    private static void checkDepth(JsonParser p, int depth) throws JsonProcessingException {
        if (depth >= JsonValues.MAX_DEPTH) {
            throw new JsonProcessingException("nested deeper than " + JsonValues.MAX_DEPTH + " levels",
                    p.currentLocation()) { };
        }
    }

    /** Writes a normalized JSON value. */
    public static void writeValue(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case BigInteger bi -> g.writeNumber(bi);
            case BigDecimal bd -> g.writeNumber(bd);
            case Integer i -> g.writeNumber(i);
            case Float f -> g.writeNumber(f);
            case List<?> list -> {
                g.writeStartArray();
                for (Object o : list) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeFieldName((String) e.getKey());
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            default -> throw new IllegalArgumentException("not a normalized JSON value: " + value.getClass().getName());
        }
    }

    /**
     * A parse error as one line, in the shape vctrs (serde) reports it: {@code <what> at line L column C}.
     */
    public static String describe(JsonProcessingException e) {
        String what = e.getOriginalMessage();
        // Jackson's messages carry a second line with a hint ("(for input ...)"), keep the first.
        int nl = what == null ? -1 : what.indexOf('\n');
        if (nl >= 0) {
            what = what.substring(0, nl);
        }
        JsonLocation loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 0) {
            return what;
        }
        return what + " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
    }
}
