package dev.quiver.springai;

import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Spring AI {@link Document} as Quiver metadata, and back.
 *
 * <p>Every metadata entry is stored under its own key, so Quiver filters and the inverted index see it directly; the
 * document text goes under {@value #CONTENT_KEY}. Quiver keeps JSON values and normalizes integers to {@code Long}
 * and floats to {@code Double}; so that a document reads back with the types it was written with, a top-level
 * {@code Integer} or {@code Float} is noted under {@value #TYPES_KEY} (key to {@code "I"} or {@code "F"}). Values
 * nested in lists and maps come back normalized. A value that is not JSON (a {@code Date}, say) is rejected by the
 * database with a message naming its key.
 */
final class DocumentCodec {

    /** Reserved key of the document text. */
    static final String CONTENT_KEY = "_content";
    /** Reserved key of the top-level value types that Quiver's normalization would change. */
    static final String TYPES_KEY = "_types";

    private DocumentCodec() {
    }

    static boolean isReserved(String key) {
        return CONTENT_KEY.equals(key) || TYPES_KEY.equals(key);
    }

    /** The Quiver metadata of a document. */
    static Map<String, Object> encode(Document document) {
        Objects.requireNonNull(document, "document");
        Map<String, Object> stored = new LinkedHashMap<>();
        Map<String, Object> types = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : document.getMetadata().entrySet()) {
            String key = e.getKey();
            if (isReserved(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' of document '" + document.getId()
                        + "' is reserved by the Quiver vector store");
            }
            Object value = e.getValue();
            if (value instanceof Integer) {
                types.put(key, "I");
            } else if (value instanceof Float) {
                types.put(key, "F");
            }
            stored.put(key, value);
        }
        stored.put(CONTENT_KEY, Objects.requireNonNullElse(document.getText(), ""));
        if (!types.isEmpty()) {
            stored.put(TYPES_KEY, types);
        }
        return stored;
    }

    /** The document of a stored record, with its similarity score and Quiver distance. */
    static Document decode(String id, Map<String, Object> stored, double score, float distance) {
        Map<String, Object> metadata = metadata(stored);
        metadata.put(DocumentMetadata.DISTANCE.value(), distance);
        String text = stored != null && stored.get(CONTENT_KEY) instanceof String s ? s : "";
        return Document.builder().id(id).text(text).metadata(metadata).score(score).build();
    }

    /** The user metadata of a stored record, with the original top-level types restored. */
    static Map<String, Object> metadata(Map<String, Object> stored) {
        Map<String, Object> metadata = new HashMap<>();
        if (stored == null) {
            return metadata;
        }
        Map<?, ?> types = stored.get(TYPES_KEY) instanceof Map<?, ?> m ? m : Map.of();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            String key = e.getKey();
            if (isReserved(key)) {
                continue;
            }
            Object value = e.getValue();
            Object code = types.get(key);
            if ("I".equals(code) && value instanceof Number n) {
                value = n.intValue();
            } else if ("F".equals(code) && value instanceof Number n) {
                // The Float went in through its shortest decimal text; the same text brings the same Float back.
                value = Float.parseFloat(Double.toString(n.doubleValue()));
            }
            metadata.put(key, value);
        }
        return metadata;
    }
}
