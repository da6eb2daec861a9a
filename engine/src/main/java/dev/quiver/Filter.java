package dev.quiver;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A metadata filter: a tree of conditions on top-level metadata fields. Build one in Java with the factories
 * ({@code Filter.and(Filter.eq("pos", "v"), Filter.gte("score", 0.5))}) or parse the vctrs / Chroma JSON dialect.
 *
 * <p>Values are JSON values as Java objects: {@code String}, {@code Number}, {@code Boolean}, {@code null},
 * {@code List} and {@code Map}. Numbers compare by value, so {@code 10} equals {@code 10.0} (a deliberate departure
 * from vctrs). A record without metadata matches only negative conditions ({@code $ne}, {@code $nin}, {@code $not},
 * {@code $exists: false}), and {@link #all()} matches every record.
 */
public sealed interface Filter {

    /** Matches every record (the empty filter {@code {}}). */
    record All() implements Filter { }

    /** Field present and equal to the value. */
    record Eq(String field, Object value) implements Filter {
        public Eq { requireField(field); }
    }

    /** Field missing, or present and different from the value. */
    record Ne(String field, Object value) implements Filter {
        public Ne { requireField(field); }
    }

    /** Field present and equal to one of the values. */
    record In(String field, List<Object> values) implements Filter {
        public In { requireField(field); values = List.copyOf(Objects.requireNonNull(values, "values")); }
    }

    /** Field missing, or present and equal to none of the values. */
    record Nin(String field, List<Object> values) implements Filter {
        public Nin { requireField(field); values = List.copyOf(Objects.requireNonNull(values, "values")); }
    }

    /** Numeric comparison: field present, a number, and {@code value op bound}. */
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

    static Filter all() { return new All(); }
    static Filter eq(String field, Object value) { return new Eq(field, value); }
    static Filter ne(String field, Object value) { return new Ne(field, value); }
    static Filter in(String field, Object... values) { return new In(field, Arrays.asList(values)); }
    static Filter nin(String field, Object... values) { return new Nin(field, Arrays.asList(values)); }
    static Filter gt(String field, double bound) { return new Range(field, Op.GT, bound); }
    static Filter gte(String field, double bound) { return new Range(field, Op.GTE, bound); }
    static Filter lt(String field, double bound) { return new Range(field, Op.LT, bound); }
    static Filter lte(String field, double bound) { return new Range(field, Op.LTE, bound); }
    static Filter exists(String field) { return new Exists(field, true); }
    static Filter and(Filter... children) { return new And(Arrays.asList(children)); }
    static Filter or(Filter... children) { return new Or(Arrays.asList(children)); }
    static Filter not(Filter child) { return new Not(child); }

    private static void requireField(String field) {
        if (field == null || field.isEmpty()) {
            throw new InvalidFilterException("invalid filter: field name must be a non-empty string");
        }
    }
}
