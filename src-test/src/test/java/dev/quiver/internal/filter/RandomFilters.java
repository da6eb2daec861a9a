package dev.quiver.internal.filter;

import dev.quiver.Filter;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random filters over a small vocabulary, shared with the evaluator and index tests. */
public final class RandomFilters {
    public static final List<String> FIELDS = List.of("a", "b", "c", "d");

    private RandomFilters() {
    }

    public static Object scalar(Random rnd) {
        return switch (rnd.nextInt(9)) {
            case 0 -> null;
            case 1 -> rnd.nextBoolean();
            case 2, 3 -> "s" + rnd.nextInt(4);
            case 4, 5 -> (long) (rnd.nextInt(7) - 3);
            case 6 -> (rnd.nextInt(7) - 3) * 1.0; // equal by value to the longs
            case 7 -> rnd.nextInt(7) - 3 + 0.5;
            default -> rnd.nextBoolean() ? Long.MAX_VALUE - rnd.nextInt(2) : (double) (1L << 53) + rnd.nextInt(3);
        };
    }

    public static Object value(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> Arrays.asList(scalar(rnd), scalar(rnd));
            case 1 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("k", scalar(rnd));
                yield m;
            }
            default -> scalar(rnd);
        };
    }

    public static Filter filter(Random rnd, int depth) {
        String f = FIELDS.get(rnd.nextInt(FIELDS.size()));
        int kind = rnd.nextInt(depth > 0 ? 13 : 9);
        return switch (kind) {
            case 0 -> Filter.eq(f, value(rnd));
            case 1 -> Filter.ne(f, value(rnd));
            case 2 -> Filter.in(f, Arrays.asList(value(rnd), value(rnd), scalar(rnd)));
            case 3 -> Filter.nin(f, Arrays.asList(value(rnd), scalar(rnd)));
            case 4 -> {
                double bound = rnd.nextInt(5) == 0 ? (double) (1L << 53) + rnd.nextInt(3) - 1
                        : rnd.nextInt(9) - 4 + (rnd.nextBoolean() ? 0 : 0.5);
                yield new Filter.Range(f, Filter.Op.values()[rnd.nextInt(4)], bound);
            }
            case 5 -> Filter.exists(f, rnd.nextBoolean());
            case 6 -> rnd.nextInt(8) == 0 ? Filter.all() : Filter.eq(f, scalar(rnd));
            case 7, 8 -> Filter.in(f, Arrays.asList(scalar(rnd), scalar(rnd)));
            case 9, 10 -> new Filter.And(children(rnd, depth));
            case 11 -> new Filter.Or(children(rnd, depth));
            default -> Filter.not(filter(rnd, depth - 1));
        };
    }

    private static List<Filter> children(Random rnd, int depth) {
        int n = rnd.nextInt(4);
        Filter[] c = new Filter[n];
        for (int i = 0; i < n; i++) {
            c[i] = filter(rnd, depth - 1);
        }
        return List.of(c);
    }
}
