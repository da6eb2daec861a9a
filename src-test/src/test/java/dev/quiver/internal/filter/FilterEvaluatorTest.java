package dev.quiver.internal.filter;

import dev.quiver.Filter;
import dev.quiver.internal.meta.MetadataCodec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterEvaluatorTest {

    private static Map<String, Object> md(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return MetadataCodec.validate(m);
    }

    @Test
    void recordWithoutMetadataMatchesOnlyNegativeConditions() {
        assertFalse(FilterEvaluator.matches(Filter.eq("a", 1), null));
        assertFalse(FilterEvaluator.matches(Filter.in("a", 1, 2), null));
        assertFalse(FilterEvaluator.matches(Filter.gt("a", 0), null));
        assertFalse(FilterEvaluator.matches(Filter.exists("a"), null));
        assertTrue(FilterEvaluator.matches(Filter.ne("a", 1), null));
        assertTrue(FilterEvaluator.matches(Filter.nin("a", 1), null));
        assertTrue(FilterEvaluator.matches(Filter.exists("a", false), null));
        assertTrue(FilterEvaluator.matches(Filter.not(Filter.eq("a", 1)), null));
        assertTrue(FilterEvaluator.matches(Filter.all(), null));
    }

    @Test
    void numbersCompareByValue() {
        assertTrue(FilterEvaluator.matches(Filter.eq("n", 10.0), md("n", 10L)));
        assertTrue(FilterEvaluator.matches(Filter.eq("n", 10L), md("n", 10.0)));
        assertTrue(FilterEvaluator.matches(Filter.in("n", "x", 10), md("n", 10.0)));
        assertFalse(FilterEvaluator.matches(Filter.eq("n", 10.5), md("n", 10L)));
        // 2^53 + 1 is not a double; it must not equal 2^53 as a double, and ranges must see the difference.
        long big = (1L << 53) + 1;
        assertFalse(FilterEvaluator.matches(Filter.eq("n", (double) (1L << 53)), md("n", big)));
        assertTrue(FilterEvaluator.matches(Filter.gt("n", (double) (1L << 53)), md("n", big)));
        assertFalse(FilterEvaluator.matches(Filter.lte("n", (double) (1L << 53)), md("n", big)));
    }

    @Test
    void nullArraysAndObjectsAreComparedStructurally() {
        assertTrue(FilterEvaluator.matches(Filter.eq("z", null), md("z", null)));
        assertFalse(FilterEvaluator.matches(Filter.eq("z", null), md("y", 1)));
        assertTrue(FilterEvaluator.matches(Filter.exists("z"), md("z", null)));
        assertTrue(FilterEvaluator.matches(Filter.eq("t", List.of("a", 1)), md("t", List.of("a", 1.0))));
        assertFalse(FilterEvaluator.matches(Filter.eq("t", List.of(1, "a")), md("t", List.of("a", 1))));
        assertTrue(FilterEvaluator.matches(Filter.in("t", List.of(List.of(1))), md("t", List.of(1))));
        assertTrue(FilterEvaluator.matches(Filter.eq("o", Map.of("x", 1, "y", "z")), md("o", Map.of("y", "z", "x", 1))));
        assertFalse(FilterEvaluator.matches(Filter.eq("o", Map.of("x", 1)), md("o", Map.of("x", 1, "y", 2))));
    }

    @Test
    void rangesHoldOnlyForNumbers() {
        assertFalse(FilterEvaluator.matches(Filter.gt("s", 0), md("s", "5")));
        assertFalse(FilterEvaluator.matches(Filter.gt("s", 0), md("s", true)));
        assertFalse(FilterEvaluator.matches(Filter.lt("s", 0), md("s", null)));
        assertTrue(FilterEvaluator.matches(Filter.gte("s", 0.5), md("s", 0.5)));
        assertTrue(FilterEvaluator.matches(Filter.lt("s", Double.POSITIVE_INFINITY), md("s", Long.MAX_VALUE)));
        assertTrue(FilterEvaluator.matches(Filter.gte("s", -0.0), md("s", 0L)));
    }

    @Test
    void evaluatorAgreesWithAnIndependentModel() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> metadata = randomMetadata(rnd);
            Filter f = RandomFilters.filter(rnd, 3);
            assertEquals(Model.matches(f, metadata), FilterEvaluator.matches(f, metadata),
                    "seed " + seed + " filter " + f.toJson() + " metadata " + metadata);
        }
    }

    /** Random normalized metadata over the random filters' field names; null about one time in eight. */
    static Map<String, Object> randomMetadata(Random rnd) {
        if (rnd.nextInt(8) == 0) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : RandomFilters.FIELDS) {
            if (rnd.nextInt(3) != 0) {
                m.put(f, RandomFilters.value(rnd));
            }
        }
        return MetadataCodec.validate(m);
    }

    /** The predicate semantics written out plainly: every number through BigDecimal. */
    static final class Model {
        static boolean matches(Filter f, Map<String, Object> md) {
            Map<String, Object> m = md == null ? Map.of() : md;
            return switch (f) {
                case Filter.All a -> true;
                case Filter.Eq e -> m.containsKey(e.field()) && same(m.get(e.field()), e.value());
                case Filter.Ne e -> !(m.containsKey(e.field()) && same(m.get(e.field()), e.value()));
                case Filter.In e -> m.containsKey(e.field()) && e.values().stream().anyMatch(v -> same(m.get(e.field()), v));
                case Filter.Nin e -> !(m.containsKey(e.field()) && e.values().stream().anyMatch(v -> same(m.get(e.field()), v)));
                case Filter.Range r -> {
                    if (!(m.get(r.field()) instanceof Number n)) {
                        yield false;
                    }
                    if (Double.isInfinite(r.bound())) {
                        yield r.bound() > 0 ? r.op() == Filter.Op.LT || r.op() == Filter.Op.LTE
                                            : r.op() == Filter.Op.GT || r.op() == Filter.Op.GTE;
                    }
                    int c = big(n).compareTo(new BigDecimal(r.bound()));
                    yield switch (r.op()) {
                        case GT -> c > 0;
                        case GTE -> c >= 0;
                        case LT -> c < 0;
                        case LTE -> c <= 0;
                    };
                }
                case Filter.Exists e -> m.containsKey(e.field()) == e.exists();
                case Filter.And a -> a.children().stream().allMatch(c -> matches(c, md));
                case Filter.Or o -> o.children().stream().anyMatch(c -> matches(c, md));
                case Filter.Not n -> !matches(n.child(), md);
            };
        }

        private static BigDecimal big(Number n) {
            return n instanceof BigDecimal bd ? bd : new BigDecimal(n.toString());
        }

        static boolean same(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return big(x).compareTo(big(y)) == 0;
            }
            if (a instanceof List<?> x && b instanceof List<?> y) {
                if (x.size() != y.size()) {
                    return false;
                }
                Iterator<?> iy = y.iterator();
                for (Object o : x) {
                    if (!same(o, iy.next())) {
                        return false;
                    }
                }
                return true;
            }
            if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
                return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> same(x.get(k), y.get(k)));
            }
            return a == null ? b == null : a.equals(b);
        }
    }
}
