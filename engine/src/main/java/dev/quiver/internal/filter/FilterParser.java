package dev.quiver.internal.filter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.quiver.Filter;
import dev.quiver.InvalidFilterException;
import dev.quiver.internal.meta.JsonSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The vctrs / Chroma filter dialect, from JSON text or from the same structure as Java maps and lists.
 *
 * <p>Departures from vctrs's parser (each fixes a defect listed in vctrs-behaviour.md §11 item 29): {@code $and},
 * {@code $or}, {@code $not}, {@code $nin} and {@code $exists} are understood; an empty object matches everything; a
 * top-level key starting with {@code $} that is not a logical operator is rejected instead of silently being a field.
 * Error texts are vctrs's where vctrs has one.
 */
public final class FilterParser {

    private FilterParser() {
    }

    public static Filter parse(String json) {
        if (json == null) {
            throw fail("filter must be an object");
        }
        Object value;
        try (JsonParser p = JsonSupport.FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw fail("invalid JSON: empty input");
            }
            value = JsonSupport.readValue(p);
            if (p.nextToken() != null) {
                throw fail("invalid JSON: trailing characters after the filter at line "
                        + p.currentLocation().getLineNr() + " column " + p.currentLocation().getColumnNr());
            }
        } catch (JsonProcessingException e) {
            throw new InvalidFilterException("invalid filter: invalid JSON: " + JsonSupport.describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does not fail
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw fail("filter must be an object");
        }
        return fromObject(map);
    }

    public static Filter fromMap(Map<String, ?> map) {
        if (map == null) {
            throw fail("filter must be an object");
        }
        return fromObject(map);
    }

    /** A filter object: entries ANDed; one entry is itself; none matches everything. */
    private static Filter fromObject(Map<?, ?> map) {
        List<Filter> clauses = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw fail("field names must be strings, got " + e.getKey());
            }
            Object value = e.getValue();
            switch (key) {
                case "$and" -> clauses.add(new Filter.And(filterList("$and", value)));
                case "$or" -> clauses.add(new Filter.Or(filterList("$or", value)));
                case "$not" -> {
                    if (!(value instanceof Map<?, ?> inner)) {
                        throw fail("$not value must be an object");
                    }
                    clauses.add(new Filter.Not(fromObject(inner)));
                }
                default -> {
                    if (key.startsWith("$")) {
                        throw fail("unknown operator: " + key);
                    }
                    if (value instanceof Map<?, ?> ops) {
                        clauses.add(fromOperators(key, ops));
                    } else {
                        clauses.add(new Filter.Eq(key, value));
                    }
                }
            }
        }
        return combine(clauses);
    }

    private static List<Filter> filterList(String op, Object value) {
        Collection<?> items = switch (value) {
            case Collection<?> c -> c;
            case Object[] a -> List.of(a);
            case null, default -> throw fail(op + " value must be an array");
        };
        List<Filter> children = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) {
                throw fail(op + " elements must be objects");
            }
            children.add(fromObject(m));
        }
        return children;
    }

    /** {@code {"$gte": 0.5, "$lt": 0.9}} on one field: operators ANDed. */
    private static Filter fromOperators(String field, Map<?, ?> ops) {
        List<Filter> clauses = new ArrayList<>(ops.size());
        for (Map.Entry<?, ?> e : ops.entrySet()) {
            String op = String.valueOf(e.getKey());
            Object v = e.getValue();
            clauses.add(switch (op) {
                case "$eq" -> new Filter.Eq(field, v);
                case "$ne" -> new Filter.Ne(field, v);
                case "$in" -> new Filter.In(field, valueList(op, v));
                case "$nin" -> new Filter.Nin(field, valueList(op, v));
                case "$gt" -> new Filter.Range(field, Filter.Op.GT, bound(op, v));
                case "$gte" -> new Filter.Range(field, Filter.Op.GTE, bound(op, v));
                case "$lt" -> new Filter.Range(field, Filter.Op.LT, bound(op, v));
                case "$lte" -> new Filter.Range(field, Filter.Op.LTE, bound(op, v));
                case "$exists" -> {
                    if (!(v instanceof Boolean b)) {
                        throw fail("$exists value must be a boolean");
                    }
                    yield new Filter.Exists(field, b);
                }
                case "$not" -> {
                    if (!(v instanceof Map<?, ?> inner)) {
                        throw fail("$not value must be an object");
                    }
                    yield new Filter.Not(fromOperators(field, inner));
                }
                default -> throw fail("unknown operator: " + op);
            });
        }
        return combine(clauses);
    }

    private static List<Object> valueList(String op, Object v) {
        return switch (v) {
            case Collection<?> c -> new ArrayList<>(c);
            case Object[] a -> new ArrayList<>(List.of(a));
            case null, default -> throw fail(op + " value must be an array");
        };
    }

    private static double bound(String op, Object v) {
        double d = switch (v) {
            case BigDecimal bd -> bd.doubleValue();
            case Number n -> n.doubleValue();
            case null, default -> throw fail(op + " value must be a number");
        };
        if (Double.isNaN(d)) {
            throw fail(op + " value must be a number");
        }
        return d;
    }

    private static Filter combine(List<Filter> clauses) {
        return switch (clauses.size()) {
            case 0 -> Filter.all();
            case 1 -> clauses.getFirst();
            default -> new Filter.And(clauses);
        };
    }

    private static InvalidFilterException fail(String msg) {
        return new InvalidFilterException("invalid filter: " + msg);
    }
}
