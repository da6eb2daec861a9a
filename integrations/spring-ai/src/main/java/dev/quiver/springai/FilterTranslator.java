package dev.quiver.springai;

import dev.quiver.Filter;
import org.springframework.ai.vectorstore.filter.Filter.Expression;
import org.springframework.ai.vectorstore.filter.Filter.Group;
import org.springframework.ai.vectorstore.filter.Filter.Key;
import org.springframework.ai.vectorstore.filter.Filter.Operand;
import org.springframework.ai.vectorstore.filter.Filter.Value;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Translates a Spring AI {@link Expression} tree into an equivalent Quiver {@link Filter}, node by node, so Quiver's
 * inverted index and planner select the candidates.
 *
 * <p>The semantics are those of Spring AI's reference in-memory store ({@code SimpleVectorStore}): a missing key
 * reads as {@code null}, and {@code null} sorts before every value (SQL {@code NULLS FIRST}). So a missing key fails
 * {@code EQ}, {@code GT}, {@code GTE} and {@code IN}, and passes {@code NE}, {@code LT}, {@code LTE}, {@code NIN} and
 * {@code ISNULL}; numbers compare by value across Integer, Long and Double; a {@link Date} value compares as its
 * ISO-8601 UTC text {@code yyyy-MM-dd'T'HH:mm:ss'Z'}, the form Spring AI stores dates in. Keys may be quoted
 * ({@code "country"} or {@code 'country'}); the quotes are not part of the key.
 *
 * <p>Every translation is exact; what Quiver cannot express exactly is rejected with an
 * {@link IllegalArgumentException} naming the expression, never approximated:
 * <ul>
 *   <li>{@code GT}/{@code GTE}/{@code LT}/{@code LTE} with a bound that is not a number (strings and dates compare
 *       lexicographically in Spring AI; Quiver ranges are numeric), or an integer bound beyond 2^53, which a double
 *       bound cannot hold exactly;</li>
 *   <li>the reserved keys of {@link DocumentCodec}.</li>
 * </ul>
 * Where {@code SimpleVectorStore} throws because a stored value cannot be compared with the filter value (a string
 * against a number), Quiver's condition is simply false.
 */
final class FilterTranslator {

    private static final double EXACT_LONG_LIMIT = 0x1p53;

    // The form SimpleVectorStore gives a Date filter value: a literal 'Z' after UTC time, to the second.
    private static final DateTimeFormatter DATE_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private FilterTranslator() {
    }

    static Filter translate(Expression expression) {
        if (expression == null) {
            throw new IllegalArgumentException("filter expression must not be null");
        }
        return switch (expression.type()) {
            case AND -> Filter.and(operand(expression, expression.left()), operand(expression, right(expression)));
            case OR -> Filter.or(operand(expression, expression.left()), operand(expression, right(expression)));
            case NOT -> Filter.not(operand(expression, expression.left()));
            case EQ -> {
                Object v = value(expression);
                yield v == null ? Filter.exists(key(expression), false) : Filter.eq(key(expression), v);
            }
            case NE -> {
                Object v = value(expression);
                yield v == null ? Filter.exists(key(expression), true) : Filter.ne(key(expression), v);
            }
            case GT -> Filter.gt(key(expression), bound(expression));
            case GTE -> Filter.gte(key(expression), bound(expression));
            // null sorts first: a missing key is below every bound.
            case LT -> Filter.or(Filter.exists(key(expression), false), Filter.lt(key(expression), bound(expression)));
            case LTE -> Filter.or(Filter.exists(key(expression), false), Filter.lte(key(expression), bound(expression)));
            case IN -> Filter.in(key(expression), values(expression));
            case NIN -> Filter.nin(key(expression), values(expression));
            case ISNULL -> Filter.exists(key(expression), false);
            case ISNOTNULL -> Filter.exists(key(expression), true);
        };
    }

    private static Filter operand(Expression parent, Operand operand) {
        return switch (operand) {
            case Expression e -> translate(e);
            case Group g -> translate(g.content());
            case null -> throw new IllegalArgumentException(parent.type() + " needs an expression operand: " + parent);
            default -> throw new IllegalArgumentException(parent.type() + " needs an expression operand, got "
                    + operand + " in " + parent);
        };
    }

    private static Operand right(Expression expression) {
        if (expression.right() == null) {
            throw new IllegalArgumentException(expression.type() + " needs a right operand: " + expression);
        }
        return expression.right();
    }

    private static String key(Expression expression) {
        if (!(expression.left() instanceof Key(String raw)) || raw == null) {
            throw new IllegalArgumentException(expression.type() + " needs a key on its left: " + expression);
        }
        String key = raw;
        if (key.length() >= 2 && (key.startsWith("\"") && key.endsWith("\"")
                || key.startsWith("'") && key.endsWith("'"))) {
            key = key.substring(1, key.length() - 1);
        }
        if (DocumentCodec.isReserved(key)) {
            throw new IllegalArgumentException("metadata key '" + key + "' is reserved by the Quiver vector store: "
                    + expression);
        }
        return key;
    }

    private static Object value(Expression expression) {
        if (!(right(expression) instanceof Value(Object v))) {
            throw new IllegalArgumentException(expression.type() + " needs a value on its right: " + expression);
        }
        return comparable(v);
    }

    private static List<Object> values(Expression expression) {
        if (!(value(expression) instanceof List<?> list)) {
            throw new IllegalArgumentException(expression.type() + " needs a list value: " + expression);
        }
        List<Object> out = new ArrayList<>(list.size());
        for (Object v : list) {
            out.add(comparable(v));
        }
        return out;
    }

    private static double bound(Expression expression) {
        Object v = value(expression);
        return switch (v) {
            case Integer i -> i;
            case Short s -> s;
            case Byte b -> b;
            case Long l when Math.abs((double) l) < EXACT_LONG_LIMIT -> l;
            case Float f when Float.isFinite(f) -> Double.parseDouble(Float.toString(f)); // as Quiver stores a Float
            case Double d when Double.isFinite(d) -> d;
            case Long _ -> throw new IllegalArgumentException("the bound of " + expression.type()
                    + " is beyond 2^53 and cannot be compared exactly: " + expression);
            case null, default -> throw new IllegalArgumentException("the Quiver vector store compares " + expression.type()
                    + " on numbers only (" + (v == null ? "null" : v.getClass().getSimpleName() + " '" + v + "'")
                    + " given; store dates as numbers, e.g. epoch seconds, to compare them): " + expression);
        };
    }

    private static Object comparable(Object v) {
        return v instanceof Date date ? DATE_TEXT.format(date.toInstant()) : v;
    }
}
