package dev.quiver.server;

import dev.quiver.Filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a request object's fields. Every failure is a 400 naming the field (and the element index inside
 * arrays) and what was found instead, so a client sees which value was wrong.
 */
final class Fields {

    private final Map<String, Object> body;

    Fields(Map<String, Object> body) {
        this.body = body;
    }

    static Fields of(byte[] json) {
        return new Fields(Json.parseObject(json));
    }

    boolean has(String name) {
        return body.get(name) != null;
    }

    String requireString(String name) {
        Object v = body.get(name);
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(name, "a string", v);
    }

    int requireInt(String name) {
        if (!body.containsKey(name)) {
            throw ApiException.badRequest("missing field '" + name + "'");
        }
        return optInt(name, 0);
    }

    int optInt(String name, int fallback) {
        Object v = body.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return (int) (long) l;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
            return (int) (double) d;
        }
        throw wrongType(name, "an integer", v);
    }

    Float optFloat(String name) {
        Object v = body.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            float f = n.floatValue();
            if (Float.isNaN(f)) {
                throw ApiException.badRequest("field '" + name + "' must be a number, got NaN");
            }
            return f;
        }
        throw wrongType(name, "a number", v);
    }

    boolean optBoolean(String name, boolean fallback) {
        Object v = body.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(name, "a boolean", v);
    }

    float[] requireVector(String name) {
        Object v = body.get(name);
        if (v instanceof List<?> list) {
            return toVector(list, name);
        }
        throw wrongType(name, "an array of numbers", v);
    }

    float[] optVector(String name) {
        return body.get(name) == null ? null : requireVector(name);
    }

    float[][] requireVectors(String name) {
        Object v = body.get(name);
        if (!(v instanceof List<?> list)) {
            throw wrongType(name, "an array of arrays of numbers", v);
        }
        float[][] out = new float[list.size()][];
        for (int i = 0; i < out.length; i++) {
            String at = name + "[" + i + "]";
            if (!(list.get(i) instanceof List<?> row)) {
                throw wrongType(at, "an array of numbers", list.get(i));
            }
            out[i] = toVector(row, at);
        }
        return out;
    }

    List<String> requireStrings(String name) {
        Object v = body.get(name);
        if (!(v instanceof List<?> list)) {
            throw wrongType(name, "an array of strings", v);
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw wrongType(name + "[" + i + "]", "a string", list.get(i));
            }
            out.add(s);
        }
        return out;
    }

    /** An object, or null when absent or JSON null. */
    Map<String, ?> optObject(String name) {
        Object v = body.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> map = (Map<String, ?>) m;
            return map;
        }
        throw wrongType(name, "an object or null", v);
    }

    /** A list whose entries are objects or null; null when the field is absent. */
    List<Map<String, ?>> optObjects(String name) {
        Object v = body.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType(name, "an array of objects", v);
        }
        List<Map<String, ?>> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            if (e != null && !(e instanceof Map<?, ?>)) {
                throw wrongType(name + "[" + i + "]", "an object or null", e);
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> m = (Map<String, ?>) e;
            out.add(m);
        }
        return out;
    }

    /** A filter in the vctrs / Chroma dialect, or null when absent. */
    Filter optFilter(String name) {
        Object v = body.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> map = (Map<String, ?>) m;
            return Filter.of(map);
        }
        throw new ApiException(400, "invalid_filter", "invalid filter: filter must be an object, got "
                + Json.typeName(v));
    }

    private static float[] toVector(List<?> list, String name) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Number n)) {
                throw wrongType(name + "[" + i + "]", "a number", e);
            }
            float f = n.floatValue();
            if (!Float.isFinite(f)) {
                throw ApiException.badRequest("field '" + name + "[" + i + "]' is not a finite float32: " + n);
            }
            out[i] = f;
        }
        return out;
    }

    private static ApiException wrongType(String name, String expected, Object found) {
        if (found == null) {
            return ApiException.badRequest("missing field '" + name + "' (" + expected + ")");
        }
        return ApiException.badRequest("field '" + name + "' must be " + expected + ", got " + Json.typeName(found));
    }
}
