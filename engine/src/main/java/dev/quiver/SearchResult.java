package dev.quiver;

import java.util.Map;

/**
 * One search hit. Deconstructs like the vctrs tuple with a record pattern:
 * {@code if (hit instanceof SearchResult(String id, float distance, var metadata)) ...}.
 * {@code metadata} is {@code null} when the record has none.
 */
public record SearchResult(String id, float distance, Map<String, Object> metadata) {
}
