package dev.quiver.internal.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes decoded metadata deeply unmodifiable, so the stored maps can be handed to callers without a copy per read and
 * no caller can change what the filter index was built from.
 */
public final class FrozenJson {

    private FrozenJson() {
    }

    public static Map<String, Object> freeze(Map<String, Object> map) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<String, Object> e : map.entrySet()) {
            copy.put(e.getKey(), freezeValue(e.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object freezeValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            return freeze((Map<String, Object>) m);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object v : list) {
                copy.add(freezeValue(v));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
