package dev.quiver.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Translates a LangChain4j metadata filter into a Quiver {@link dev.quiver.Filter}, so that Quiver's inverted index and
 * planner select the candidates.
 *
 * <p>The translation is either <em>exact</em> (the Quiver filter matches exactly the records the LangChain4j filter
 * accepts) or a <em>superset</em>: a Quiver filter that keeps every record the LangChain4j filter accepts, plus maybe
 * others, which the store then removes by evaluating the LangChain4j filter itself on each candidate
 * ({@link Filter#test}). Nothing is ever dropped. What Quiver cannot say natively becomes a superset:
 * <ul>
 *   <li>{@link ContainsString}, and range comparisons with a string bound (LangChain4j compares strings
 *       lexicographically; Quiver ranges are numeric): the key must exist;</li>
 *   <li>a comparison with a number of magnitude 2^53 or more (LangChain4j compares such numbers by their decimal
 *       text, Quiver by value): the key must exist, or for {@code IsNotEqualTo} / {@code IsNotIn} nothing is
 *       required;</li>
 *   <li>{@link Not} of a superset: everything (a superset of the child says nothing about its complement).</li>
 * </ul>
 *
 * <p>A condition on one of the store's reserved keys ({@value MetadataCodec#TEXT_KEY}, {@value MetadataCodec#TYPES_KEY})
 * is refused with an {@link IllegalArgumentException}, as adding metadata under them is.
 *
 * <p>Semantics of the exact translations, checked against LangChain4j's own {@code Filter.test}: a missing key fails
 * every comparison except {@code IsNotEqualTo} and {@code IsNotIn}, which it passes (Quiver's {@code $ne} and
 * {@code $nin} agree); numbers compare by value across Integer, Long, Float and Double (both sides compare a Float by
 * its shortest decimal text, so {@code 1.1f} equals {@code 1.1d}); a UUID compares as its text.
 */
final class FilterTranslator {

    private static final double EXACT_DOUBLE_LIMIT = 0x1p53;

    /** A translated filter and whether it is exact. */
    record Translation(dev.quiver.Filter filter, boolean exact) { }

    private FilterTranslator() {
    }

    static Translation translate(Filter filter) {
        return switch (filter) {
            case IsEqualTo f -> beyondExactDoubles(f.comparisonValue())
                    ? superset(dev.quiver.Filter.exists(key(f.key())))
                    : exact(dev.quiver.Filter.eq(key(f.key()), value(f.comparisonValue())));
            case IsNotEqualTo f -> beyondExactDoubles(f.comparisonValue())
                    ? superset(everything(f.key()))
                    : exact(dev.quiver.Filter.ne(key(f.key()), value(f.comparisonValue())));
            case IsIn f -> f.comparisonValues().stream().anyMatch(FilterTranslator::beyondExactDoubles)
                    ? superset(dev.quiver.Filter.exists(key(f.key())))
                    : exact(dev.quiver.Filter.in(key(f.key()), values(f.comparisonValues())));
            case IsNotIn f -> f.comparisonValues().stream().anyMatch(FilterTranslator::beyondExactDoubles)
                    ? superset(everything(f.key()))
                    : exact(dev.quiver.Filter.nin(key(f.key()), values(f.comparisonValues())));
            case IsGreaterThan f -> range(f.key(), dev.quiver.Filter.Op.GT, f.comparisonValue());
            case IsGreaterThanOrEqualTo f -> range(f.key(), dev.quiver.Filter.Op.GTE, f.comparisonValue());
            case IsLessThan f -> range(f.key(), dev.quiver.Filter.Op.LT, f.comparisonValue());
            case IsLessThanOrEqualTo f -> range(f.key(), dev.quiver.Filter.Op.LTE, f.comparisonValue());
            case ContainsString f -> superset(dev.quiver.Filter.exists(key(f.key())));
            case And f -> {
                Translation l = translate(f.left());
                Translation r = translate(f.right());
                yield new Translation(dev.quiver.Filter.and(l.filter(), r.filter()), l.exact() && r.exact());
            }
            case Or f -> {
                Translation l = translate(f.left());
                Translation r = translate(f.right());
                yield new Translation(dev.quiver.Filter.or(l.filter(), r.filter()), l.exact() && r.exact());
            }
            case Not f -> {
                Translation child = translate(f.expression());
                yield child.exact() ? exact(dev.quiver.Filter.not(child.filter())) : superset(dev.quiver.Filter.all());
            }
            default -> throw new UnsupportedOperationException(
                    "unsupported LangChain4j filter type: " + filter.getClass().getName());
        };
    }

    /**
     * The key of a comparison. The store's own keys ({@value MetadataCodec#TEXT_KEY}, {@value MetadataCodec#TYPES_KEY})
     * hold the segment text and value types, not metadata (add refuses them as metadata keys), so a filter on them is
     * refused too rather than matched against the stored text.
     */
    private static String key(String key) {
        if (MetadataCodec.TEXT_KEY.equals(key) || MetadataCodec.TYPES_KEY.equals(key)) {
            throw new IllegalArgumentException("metadata key '" + key + "' is reserved by the Quiver store and cannot"
                    + " be filtered on");
        }
        return key;
    }

    private static Translation range(String key, dev.quiver.Filter.Op op, Comparable<?> bound) {
        key(key);
        if (bound instanceof Number n && !beyondExactDoubles(n)) {
            return exact(new dev.quiver.Filter.Range(key, op, number(n)));
        }
        return superset(dev.quiver.Filter.exists(key));
    }

    /**
     * A number of magnitude 2^53 or more, where doubles no longer hold every integer: LangChain4j compares numbers by
     * their decimal text there ({@code 2^60} as a double reads 1152921504606846980, not ...976), Quiver by exact value,
     * so such a comparison is left to LangChain4j's own test.
     */
    private static boolean beyondExactDoubles(Object v) {
        return v instanceof Number n && Math.abs(n.doubleValue()) >= EXACT_DOUBLE_LIMIT;
    }

    /** The superset of a negative condition on {@code key}: every record (those without the key pass it too). */
    private static dev.quiver.Filter everything(String key) {
        key(key);
        return dev.quiver.Filter.all();
    }

    /** A comparison value as Quiver stores it: a UUID as its text, a Float through its shortest decimal text. */
    private static Object value(Object v) {
        return switch (v) {
            case UUID u -> u.toString();
            case Float f -> Double.parseDouble(Float.toString(f));
            default -> v;
        };
    }

    private static List<Object> values(Collection<?> vs) {
        List<Object> out = new ArrayList<>(vs.size());
        for (Object v : vs) {
            out.add(value(v));
        }
        return out;
    }

    private static double number(Number n) {
        return n instanceof Float f ? Double.parseDouble(Float.toString(f)) : n.doubleValue();
    }

    private static Translation exact(dev.quiver.Filter f) {
        return new Translation(f, true);
    }

    private static Translation superset(dev.quiver.Filter f) {
        return new Translation(f, false);
    }
}
