package dev.quiver.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link TextSegment} as Quiver metadata, and back.
 *
 * <p>The stored map holds every metadata entry of the segment under its own key (so Quiver filters and the inverted
 * index see them directly), the segment text under {@value #TEXT_KEY}, and, under {@value #TYPES_KEY}, a map from
 * key to type code for each value that is not a {@code String}: {@code "I"} Integer, {@code "L"} Long, {@code "F"}
 * Float, {@code "D"} Double, {@code "U"} UUID. Quiver keeps integers as Long, floating point numbers as Double (a Float
 * through its shortest decimal text) and UUIDs as their text; the codes restore the original Java types. A record
 * stored without a segment has no metadata at all.
 */
final class MetadataCodec {

    /** Reserved key of the segment text. */
    static final String TEXT_KEY = "_text";
    /** Reserved key of the value-type map. */
    static final String TYPES_KEY = "_types";

    private MetadataCodec() {
    }

    /** The Quiver metadata of a segment, or {@code null} for no segment. */
    static Map<String, Object> encode(TextSegment segment) {
        if (segment == null) {
            return null;
        }
        Map<String, Object> stored = new LinkedHashMap<>();
        Map<String, Object> types = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : segment.metadata().toMap().entrySet()) {
            String key = e.getKey();
            if (TEXT_KEY.equals(key) || TYPES_KEY.equals(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved by the Quiver store");
            }
            Object value = e.getValue();
            String code = typeCode(key, value);
            if (code != null) {
                types.put(key, code);
            }
            stored.put(key, value instanceof UUID uuid ? uuid.toString() : value);
        }
        stored.put(TEXT_KEY, segment.text());
        if (!types.isEmpty()) {
            stored.put(TYPES_KEY, types);
        }
        return stored;
    }

    /** The segment of stored Quiver metadata, or {@code null} when the record was stored without one. */
    static TextSegment decode(Map<String, Object> stored) {
        if (stored == null || !(stored.get(TEXT_KEY) instanceof String text)) {
            return null;
        }
        return TextSegment.from(text, metadata(stored));
    }

    /** The LangChain4j metadata of stored Quiver metadata (empty for a record stored without a segment). */
    static Metadata metadata(Map<String, Object> stored) {
        Metadata metadata = new Metadata();
        if (stored == null) {
            return metadata;
        }
        Map<?, ?> types = stored.get(TYPES_KEY) instanceof Map<?, ?> m ? m : Map.of();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            String key = e.getKey();
            if (TEXT_KEY.equals(key) || TYPES_KEY.equals(key)) {
                continue;
            }
            Object value = e.getValue();
            Object code = types.get(key);
            if (code == null) {
                metadata.put(key, (String) value);
                continue;
            }
            switch ((String) code) {
                case "I" -> metadata.put(key, ((Number) value).intValue());
                case "L" -> metadata.put(key, ((Number) value).longValue());
                // The Float went in through its shortest decimal text; the same text brings back the same Float.
                case "F" -> metadata.put(key, Float.parseFloat(Double.toString(((Number) value).doubleValue())));
                case "D" -> metadata.put(key, ((Number) value).doubleValue());
                case "U" -> metadata.put(key, UUID.fromString((String) value));
                default -> throw new IllegalStateException("unknown metadata type code '" + code + "' for key '" + key + "'");
            }
        }
        return metadata;
    }

    private static String typeCode(String key, Object value) {
        return switch (value) {
            case String _ -> null;
            case Integer _ -> "I";
            case Long _ -> "L";
            case Float _ -> "F";
            case Double _ -> "D";
            case UUID _ -> "U";
            default -> throw new IllegalArgumentException("metadata key '" + key + "' has a value of unsupported type "
                    + value.getClass().getName());
        };
    }
}
