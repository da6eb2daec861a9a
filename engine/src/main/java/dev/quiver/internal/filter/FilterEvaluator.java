package dev.quiver.internal.filter;

import dev.quiver.Filter;
import dev.quiver.internal.meta.JsonValues;
import dev.quiver.internal.meta.NumericKey;

import java.util.List;
import java.util.Map;

/**
 * Decides whether one record's metadata satisfies a filter.
 *
 * <p>Semantics (vctrs-behaviour.md §2.2 with departures 1 and 4):
 * <ul>
 *   <li>Only top-level fields are addressed. A record without metadata behaves as an empty object: it matches
 *       only negative conditions ({@code $ne}, {@code $nin}, {@code $exists: false}, {@code $not} of a positive one).</li>
 *   <li>{@code $eq}/{@code $in} compare structurally (null, arrays, objects included); numbers by value, so
 *       {@code 10} equals {@code 10.0}. A field stored as {@code null} is present: it equals {@code null}.</li>
 *   <li>Range operators hold only for numbers, compared exactly (no rounding of large longs through double).</li>
 *   <li>A missing field: {@code $ne}/{@code $nin} true, {@code $eq}/{@code $in}/ranges false, {@code $exists} false.</li>
 * </ul>
 * Metadata must be normalized ({@link JsonValues}); filter values are normalized by the Filter records.
 */
public final class FilterEvaluator {

    private FilterEvaluator() {
    }

    public static boolean matches(Filter filter, Map<String, Object> metadata) {
        return switch (filter) {
            case Filter.All all -> true;
            case Filter.Eq(String f, Object v) -> metadata != null && metadata.containsKey(f)
                    && JsonValues.jsonEquals(metadata.get(f), v);
            case Filter.Ne(String f, Object v) -> metadata == null || !metadata.containsKey(f)
                    || !JsonValues.jsonEquals(metadata.get(f), v);
            case Filter.In(String f, List<Object> vs) -> metadata != null && metadata.containsKey(f)
                    && containsValue(vs, metadata.get(f));
            case Filter.Nin(String f, List<Object> vs) -> metadata == null || !metadata.containsKey(f)
                    || !containsValue(vs, metadata.get(f));
            case Filter.Range(String f, Filter.Op op, double bound) -> metadata != null
                    && metadata.get(f) instanceof Number n && inRange(n, op, bound);
            case Filter.Exists(String f, boolean exists) -> (metadata != null && metadata.containsKey(f)) == exists;
            case Filter.And(List<Filter> children) -> {
                for (Filter c : children) {
                    if (!matches(c, metadata)) {
                        yield false;
                    }
                }
                yield true;
            }
            case Filter.Or(List<Filter> children) -> {
                for (Filter c : children) {
                    if (matches(c, metadata)) {
                        yield true;
                    }
                }
                yield false;
            }
            case Filter.Not(Filter child) -> !matches(child, metadata);
        };
    }

    private static boolean containsValue(List<Object> values, Object v) {
        for (Object x : values) {
            if (JsonValues.jsonEquals(v, x)) {
                return true;
            }
        }
        return false;
    }

    /** Exact numeric comparison of a stored number with a double bound. */
    static boolean inRange(Number n, Filter.Op op, double bound) {
        int c;
        if (n instanceof Double d) {
            c = Double.compare(d, bound);
            if (d == bound) {
                c = 0; // Double.compare orders -0.0 below 0.0; JSON does not
            }
        } else {
            c = NumericKey.of(n).compareToDouble(bound);
        }
        return switch (op) {
            case GT -> c > 0;
            case GTE -> c >= 0;
            case LT -> c < 0;
            case LTE -> c <= 0;
        };
    }
}
