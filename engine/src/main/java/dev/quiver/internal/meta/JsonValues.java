package dev.quiver.internal.meta;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON values as Java objects, and the one place that decides what they are.
 *
 * <p>A normalized JSON value is {@code null}, {@link String}, {@link Boolean}, {@link Long} (integers),
 * {@link Double} (finite floats), {@link BigInteger} (integers beyond {@code long}), {@link BigDecimal} (decimals with
 * more digits than a double holds), {@link List} of normalized values, or {@link Map} with {@code String} keys,
 * its keys sorted by Unicode code point (the order vctrs hands them back in, and UTF-8 byte order).
 * Normalizing is what the codec does on the way in, so a value read back equals the normalized value written:
 * {@code Integer 5} comes back as {@code Long 5}, {@code Float 0.1f} as {@code Double 0.1} (through its shortest
 * decimal text, not its binary expansion), a {@code BigDecimal} that a double represents as {@code Double}.
 *
 * <p>Equality ({@link #jsonEquals}) is structural and compares numbers by value: {@code 10} equals {@code 10.0}
 * (DEPARTURES.md D4; vctrs never lets an integer equal a float).
 */
public final class JsonValues {

    /** Deepest nesting accepted (objects and arrays), well below the JSON parser's own limit. */
    public static final int MAX_DEPTH = 100;
    /**
     * Longest string value, in chars: the JSON reader's limit (Jackson's default), checked here so that a value the
     * store could write but never read back is an input error at the call, not corrupt data later.
     */
    public static final int MAX_STRING_CHARS = com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_STRING_LEN;
    /** Longest object key, in chars: the JSON reader's limit. */
    public static final int MAX_KEY_CHARS = com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_NAME_LEN;
    /** Longest number text (BigInteger / BigDecimal digits): the JSON reader's limit. */
    public static final int MAX_NUMBER_CHARS = com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_NUM_LEN;

    /** Sorts object keys by code point, which is also UTF-8 byte order (String.compareTo is UTF-16 order). */
    public static final Comparator<String> KEY_ORDER = JsonValues::compareCodePoints;

    private JsonValues() {
    }

    /**
     * Validates and normalizes one JSON value.
     *
     * @param path  where the value sits, for messages ({@code score}, {@code tags[2]}, {@code a.b})
     * @param error builds the exception for a message such as {@code value at 'score' is not finite: NaN}
     */
    public static Object normalize(Object value, String path, Function<String, ? extends RuntimeException> error) {
        return normalize(value, path, error, 0);
    }

    /** Normalizes a metadata object: a map with String keys, every value a JSON value. */
    public static Map<String, Object> normalizeObject(Map<?, ?> map, String path,
                                                      Function<String, ? extends RuntimeException> error) {
        return normalizeMap(map, path, error, 0);
    }

    private static Object normalize(Object value, String path, Function<String, ? extends RuntimeException> error,
                                    int depth) {
        return switch (value) {
            case null -> null;
            case String s -> {
                if (s.length() > MAX_STRING_CHARS) {
                    throw error.apply("string at '" + path + "' is " + s.length() + " chars long, the limit is "
                            + MAX_STRING_CHARS);
                }
                yield s;
            }
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d -> {
                requireFinite(d, path, error);
                yield d == 0 ? 0.0 : d; // -0.0 and 0.0 are one JSON number; keep equals() and hashing simple
            }
            case Float f -> {
                requireFinite(f, path, error);
                yield f == 0 ? 0.0 : Double.parseDouble(Float.toString(f));
            }
            case BigInteger bi -> bi.bitLength() < 64 ? (Object) bi.longValue() : checkNumberLength(bi, path, error);
            case BigDecimal bd -> normalizeDecimal((BigDecimal) checkNumberLength(bd, path, error));
            case Map<?, ?> m -> normalizeMap(m, path, error, depth + 1);
            case Collection<?> c -> normalizeList(c.iterator(), c.size(), path, error, depth + 1);
            case Object[] a -> normalizeList(java.util.Arrays.asList(a).iterator(), a.length, path, error, depth + 1);
            default -> throw error.apply("value at '" + path + "' has unsupported type " + value.getClass().getName());
        };
    }

    private static Number checkNumberLength(Number n, String path, Function<String, ? extends RuntimeException> error) {
        int length = n.toString().length();
        if (length > MAX_NUMBER_CHARS) {
            throw error.apply("number at '" + path + "' has " + length + " characters, the limit is "
                    + MAX_NUMBER_CHARS);
        }
        return n;
    }

    private static void requireFinite(double d, String path, Function<String, ? extends RuntimeException> error) {
        if (!Double.isFinite(d)) {
            throw error.apply("value at '" + path + "' is not finite: " + d);
        }
    }

    /** What the codec reads back from the text a generator writes for this decimal. */
    private static Object normalizeDecimal(BigDecimal bd) {
        String text = bd.toString();
        boolean integral = text.indexOf('.') < 0 && text.indexOf('E') < 0 && text.indexOf('e') < 0;
        return integral ? integerFromText(text) : floatFromText(text);
    }

    private static List<Object> normalizeList(Iterator<?> it, int size, String path,
                                              Function<String, ? extends RuntimeException> error, int depth) {
        checkDepth(depth, path, error);
        List<Object> out = new ArrayList<>(size);
        int i = 0;
        while (it.hasNext()) {
            out.add(normalize(it.next(), path + "[" + i + "]", error, depth));
            i++;
        }
        return out;
    }

    private static Map<String, Object> normalizeMap(Map<?, ?> map, String path,
                                                    Function<String, ? extends RuntimeException> error, int depth) {
        checkDepth(depth, path, error);
        List<String> keys = new ArrayList<>(map.size());
        for (Object k : map.keySet()) {
            if (!(k instanceof String s)) {
                throw error.apply("object key " + (path.isEmpty() ? "" : "in '" + path + "' ")
                        + "must be a string, got " + (k == null ? "null" : k.getClass().getName()));
            }
            if (s.length() > MAX_KEY_CHARS) {
                throw error.apply("object key " + (path.isEmpty() ? "" : "in '" + path + "' ") + "is " + s.length()
                        + " chars long, the limit is " + MAX_KEY_CHARS + " (key starts '" + s.substring(0, 20) + "')");
            }
            keys.add(s);
        }
        keys.sort(KEY_ORDER);
        Map<String, Object> out = LinkedHashMap.newLinkedHashMap(keys.size());
        for (String k : keys) {
            out.put(k, normalize(map.get(k), path.isEmpty() ? k : path + "." + k, error, depth));
        }
        return out;
    }

    /** {@code depth} counts from 0 at the outermost value, as {@code JsonSupport}'s reader does: MAX_DEPTH levels. */
    private static void checkDepth(int depth, String path, Function<String, ? extends RuntimeException> error) {
        if (depth >= MAX_DEPTH) {
            throw error.apply("value at '" + path + "' is nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** An integer token's value: Long when it fits, else BigInteger. */
    public static Object integerFromText(String text) {
        BigInteger bi = new BigInteger(text);
        return bi.bitLength() < 64 ? (Object) bi.longValue() : bi;
    }

    /**
     * A float token's value: the Double it denotes when the double's shortest text has the same value (so "0.1",
     * "0.10" and "1e-1" are all Double 0.1), else the exact BigDecimal (more digits than a double keeps, or out of range).
     */
    public static Object floatFromText(String text) {
        double d = Double.parseDouble(text);
        if (Double.isFinite(d)) {
            String shortest = Double.toString(d);
            if (shortest.equals(text) || new BigDecimal(shortest).compareTo(new BigDecimal(text)) == 0) {
                return d == 0 ? 0.0 : d;
            }
        }
        return new BigDecimal(text);
    }

    /** Structural JSON equality with numbers compared by value. Both sides normalized. */
    public static boolean jsonEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Number na) {
            if (!(b instanceof Number nb)) {
                return false;
            }
            if (a instanceof Long la && b instanceof Long lb) {
                return la.longValue() == lb.longValue();
            }
            if (a instanceof Double da && b instanceof Double db) {
                return da.doubleValue() == db.doubleValue();
            }
            return NumericKey.of(na).equals(NumericKey.of(nb));
        }
        if (a instanceof List<?> la) {
            if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
                return false;
            }
            Iterator<?> ib = lb.iterator();
            for (Object x : la) {
                if (!jsonEquals(x, ib.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma) {
            if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                Object other = mb.get(e.getKey());
                if ((other == null && !mb.containsKey(e.getKey())) || !jsonEquals(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b); // String, Boolean
    }

    /** True for null, strings, booleans and numbers: the values the inverted index keys. */
    public static boolean isScalar(Object v) {
        return v == null || v instanceof String || v instanceof Boolean || v instanceof Number;
    }

    private static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                // Surrogates (U+D800..DFFF) encode code points above U+FFFF, which sort after every BMP char.
                boolean sa = Character.isSurrogate(ca);
                boolean sb = Character.isSurrogate(cb);
                if (sa != sb) {
                    return sa ? 1 : -1;
                }
                return ca - cb;
            }
        }
        return a.length() - b.length();
    }
}
