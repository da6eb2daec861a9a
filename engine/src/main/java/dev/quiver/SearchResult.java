package dev.quiver;

import java.util.Map;

/**
 * One search hit. Deconstructs like the vctrs tuple: {@code for (var (id, distance, metadata) : results)} via a
 * record pattern. {@code metadata} is {@code null} when the record has none.
 */
public record SearchResult(String id, float distance, Map<String, Object> metadata) {
}
