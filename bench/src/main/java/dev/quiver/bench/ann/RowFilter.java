package dev.quiver.bench.ann;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A filtered run's condition, {@code --filter FIELD=VALUE}: metadata field equal to a value, the one filter shape
 * every engine here supports. The value is typed like JSON: an integer or decimal literal is a number (compared by
 * value, so {@code 1} matches {@code 1.0}), {@code true}/{@code false} a boolean, anything else a string.
 *
 * @param field        metadata field
 * @param value        Long, Double, Boolean or String
 * @param matchingRows base rows whose metadata matches, found by brute force (the filtered ground truth uses them)
 */
public record RowFilter(String field, Object value, BitSet matchingRows) {

    public RowFilter {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(matchingRows, "matchingRows");
    }

    /** Parses {@code FIELD=VALUE} and finds the matching rows. */
    public static RowFilter parse(String spec, List<Map<String, Object>> baseMetadata) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("--filter must be FIELD=VALUE, got '" + spec + "'");
        }
        if (baseMetadata == null) {
            throw new IllegalArgumentException("--filter " + spec + ": this data set has no metadata");
        }
        String field = spec.substring(0, eq);
        Object value = parseValue(spec.substring(eq + 1));
        BitSet rows = new BitSet(baseMetadata.size());
        for (int i = 0; i < baseMetadata.size(); i++) {
            Map<String, Object> meta = baseMetadata.get(i);
            if (meta != null && matches(meta.get(field), value)) {
                rows.set(i);
            }
        }
        return new RowFilter(field, value, rows);
    }

    static Object parseValue(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.matches("-?\\d{1,18}")) {
            return Long.parseLong(text);
        }
        if (text.matches("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
            return Double.parseDouble(text);
        }
        return text;
    }

    static boolean matches(Object metadataValue, Object value) {
        if (metadataValue instanceof Number a && value instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        return value.equals(metadataValue);
    }

    /** A metadata value as one indexed keyword (for engines with string terms): integral numbers without ".0". */
    public static String keyword(Object metadataValue) {
        if (metadataValue instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e18) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        return String.valueOf(metadataValue);
    }

    public boolean matches(int row) {
        return matchingRows.get(row);
    }

    public double selectivity(int baseRows) {
        return (double) matchingRows.cardinality() / baseRows;
    }

    @Override
    public String toString() {
        return field + "=" + keyword(value);
    }
}
