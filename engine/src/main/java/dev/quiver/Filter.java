package dev.quiver;

import dev.quiver.internal.filter.FilterJson;
import dev.quiver.internal.filter.FilterParser;
import dev.quiver.internal.meta.JsonValues;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A metadata filter: a tree of conditions on top-level metadata fields. Build one in Java with the factories
 * ({@code Filter.and(Filter.eq("pos", "v"), Filter.gte("score", 0.5))}) or parse the vctrs / Chroma JSON dialect.
 *
 * <p>Values are JSON values as Java objects: {@code String}, {@code Number}, {@code Boolean}, {@code null},
 * {@code List} and {@code Map}. Numbers compare by value, so {@code 10} equals {@code 10.0} (a deliberate departure
 * from vctrs). A record without metadata matches only negative conditions ({@code $ne}, {@code $nin}, {@code $not},
 * {@code $exists: false}), and {@link #all()} matches every record.
 *
 * <p>Values given to {@link Eq}, {@link Ne}, {@link In} and {@link Nin} are normalized like metadata (Integer to Long,
 * Float to Double through its decimal text, see {@code JsonValues}); a NaN, an infinity or a non-JSON type is rejected
 * with {@link InvalidFilterException}. {@link #toJson()} writes the filter in the JSON dialect, and {@link #parse}
 * reads it back to an equal filter.
 *
 * <h2>The JSON dialect ({@link #parse}, {@link #of})</h2>
 * <ul>
 *   <li>The top level is an object; its entries are ANDed; {@code {}} matches everything.</li>
 *   <li>{@code "field": value} with a non-object value means {@code $eq}; {@code "field": {"$op": v, ...}} applies
 *       each operator (ANDed): {@code $eq $ne $in $nin $gt $gte $lt $lte $exists}, and {@code $not: {...operators}}.</li>
 *   <li>{@code "$and": [filter, ...]}, {@code "$or": [filter, ...]} and {@code "$not": filter} stand wherever a field
 *       can.</li>
 *   <li>{@code $in}/{@code $nin} take an array, the range operators a number (not a boolean or a numeric string),
 *       {@code $exists} a boolean. Anything else is an {@link InvalidFilterException} with the vctrs message, e.g.
 *       {@code invalid filter: $gt value must be a number}, {@code invalid filter: unknown operator: $regex}.</li>
 * </ul>
 */
public sealed interface Filter {

    /** Matches every record (the empty filter {@code {}}). */
    record All() implements Filter { }

    /** Field present and equal to the value. */
    record Eq(String field, Object value) implements Filter {
        public Eq { requireField(field); value = normalizeValue(field, value); }
    }

    /** Field missing, or present and different from the value. */
    record Ne(String field, Object value) implements Filter {
        public Ne { requireField(field); value = normalizeValue(field, value); }
    }

    /** Field present and equal to one of the values. */
    record In(String field, List<Object> values) implements Filter {
        public In { requireField(field); values = normalizeValues(field, values); }
    }

    /** Field missing, or present and equal to none of the values. */
    record Nin(String field, List<Object> values) implements Filter {
        public Nin { requireField(field); values = normalizeValues(field, values); }
    }

    /**
     * Numeric comparison: field present, a number, and {@code value op bound}. Stored numbers are compared with the
     * bound exactly; the bound itself is a double, so an integer bound beyond 2^53 is its nearest double.
     */
    record Range(String field, Op op, double bound) implements Filter {
        public Range {
            requireField(field);
            Objects.requireNonNull(op, "op");
            if (Double.isNaN(bound)) {
                throw new InvalidFilterException("invalid filter: " + op.token() + " value must be a number");
            }
        }
    }

    /** Field present ({@code exists = true}) or missing ({@code exists = false}). */
    record Exists(String field, boolean exists) implements Filter {
        public Exists { requireField(field); }
    }

    /** Every child matches (an empty list matches everything). */
    record And(List<Filter> children) implements Filter {
        public And { children = List.copyOf(children); }
    }

    /** At least one child matches (an empty list matches nothing). */
    record Or(List<Filter> children) implements Filter {
        public Or { children = List.copyOf(children); }
    }

    /** The child does not match. */
    record Not(Filter child) implements Filter {
        public Not { Objects.requireNonNull(child, "child"); }
    }

    /** Range operators and their JSON tokens. */
    enum Op {
        GT("$gt"), GTE("$gte"), LT("$lt"), LTE("$lte");

        private final String token;

        Op(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        public boolean test(double value, double bound) {
            return switch (this) {
                case GT -> value > bound;
                case GTE -> value >= bound;
                case LT -> value < bound;
                case LTE -> value <= bound;
            };
        }
    }

    /**
     * Parses a filter in the vctrs / Chroma JSON dialect (see the class comment).
     *
     * @throws InvalidFilterException {@code invalid filter: ...} naming what is wrong
     */
    static Filter parse(String json) {
        return FilterParser.parse(json);
    }

    /** Builds a filter from the dialect's JSON structure as Java maps and lists (same rules as {@link #parse}). */
    static Filter of(Map<String, ?> map) {
        return FilterParser.fromMap(map);
    }

    /** This filter in the JSON dialect, compact; {@link #parse} reads it back to an equal filter. */
    default String toJson() {
        return FilterJson.write(this);
    }

    static Filter all() { return new All(); }
    static Filter eq(String field, Object value) { return new Eq(field, value); }
    static Filter ne(String field, Object value) { return new Ne(field, value); }
    static Filter in(String field, Object... values) { return new In(field, Arrays.asList(values)); }
    static Filter nin(String field, Object... values) { return new Nin(field, Arrays.asList(values)); }
    /** {@code $in} over a collection of values (each element is one candidate value). */
    static Filter in(String field, Collection<?> values) { return new In(field, new ArrayList<>(values)); }
    /** {@code $nin} over a collection of values (each element is one excluded value). */
    static Filter nin(String field, Collection<?> values) { return new Nin(field, new ArrayList<>(values)); }
    static Filter gt(String field, double bound) { return new Range(field, Op.GT, bound); }
    static Filter gte(String field, double bound) { return new Range(field, Op.GTE, bound); }
    static Filter lt(String field, double bound) { return new Range(field, Op.LT, bound); }
    static Filter lte(String field, double bound) { return new Range(field, Op.LTE, bound); }
    static Filter exists(String field) { return new Exists(field, true); }
    static Filter exists(String field, boolean exists) { return new Exists(field, exists); }
    static Filter and(Filter... children) { return new And(Arrays.asList(children)); }
    static Filter or(Filter... children) { return new Or(Arrays.asList(children)); }
    static Filter not(Filter child) { return new Not(child); }

    private static Object normalizeValue(String field, Object value) {
        return JsonValues.normalize(value, field, msg -> new InvalidFilterException("invalid filter: " + msg));
    }

    // Not List.copyOf: null is a legitimate value ({"f": {"$in": [null, "x"]}}).
    private static List<Object> normalizeValues(String field, List<Object> values) {
        Objects.requireNonNull(values, "values");
        List<Object> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(JsonValues.normalize(values.get(i), field + "[" + i + "]",
                    msg -> new InvalidFilterException("invalid filter: " + msg)));
        }
        return Collections.unmodifiableList(out);
    }

    private static void requireField(String field) {
        if (field == null || field.isEmpty()) {
            throw new InvalidFilterException("invalid filter: field name must be a non-empty string");
        }
        if (field.charAt(0) == '$') {
            // The dialect reserves $-names for operators; a field named so could not be written and read back.
            throw new InvalidFilterException("invalid filter: unknown operator: " + field);
        }
    }
}
