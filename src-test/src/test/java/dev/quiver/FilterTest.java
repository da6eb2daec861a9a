package dev.quiver;

import dev.quiver.internal.filter.RandomFilters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FilterTest {

    private static void assertInvalid(String json, String message) {
        InvalidFilterException e = assertThrows(InvalidFilterException.class, () -> Filter.parse(json), json);
        assertEquals(message, e.getMessage(), json);
    }

    @Test
    void bareValueMeansEquality() {
        assertEquals(Filter.eq("category", "science"), Filter.parse("{\"category\": \"science\"}"));
        assertEquals(Filter.eq("n", 10L), Filter.parse("{\"n\": 10}"));
        assertEquals(Filter.eq("x", 0.5), Filter.parse("{\"x\": 0.5}"));
        assertEquals(Filter.eq("b", true), Filter.parse("{\"b\": true}"));
        assertEquals(Filter.eq("z", null), Filter.parse("{\"z\": null}"));
        assertEquals(Filter.eq("tags", List.of("a", 1L)), Filter.parse("{\"tags\": [\"a\", 1]}"));
    }

    @Test
    @Tag("scalar-path")
    void everyOperatorParses() {
        assertEquals(Filter.eq("f", "v"), Filter.parse("{\"f\": {\"$eq\": \"v\"}}"));
        assertEquals(Filter.ne("f", "v"), Filter.parse("{\"f\": {\"$ne\": \"v\"}}"));
        assertEquals(Filter.in("f", "a", "b"), Filter.parse("{\"f\": {\"$in\": [\"a\", \"b\"]}}"));
        assertEquals(Filter.nin("f", 1L, 2L), Filter.parse("{\"f\": {\"$nin\": [1, 2]}}"));
        assertEquals(Filter.gt("f", 1), Filter.parse("{\"f\": {\"$gt\": 1}}"));
        assertEquals(Filter.gte("f", 1.5), Filter.parse("{\"f\": {\"$gte\": 1.5}}"));
        assertEquals(Filter.lt("f", -2), Filter.parse("{\"f\": {\"$lt\": -2}}"));
        assertEquals(Filter.lte("f", 1e300), Filter.parse("{\"f\": {\"$lte\": 1e300}}"));
        assertEquals(Filter.exists("f"), Filter.parse("{\"f\": {\"$exists\": true}}"));
        assertEquals(Filter.exists("f", false), Filter.parse("{\"f\": {\"$exists\": false}}"));
        assertEquals(Filter.eq("f", Map.of("a", 1L)), Filter.parse("{\"f\": {\"$eq\": {\"a\": 1}}}"));
    }

    @Test
    void severalOperatorsOnOneFieldAreAnded() {
        assertEquals(Filter.and(Filter.gte("score", 0.5), Filter.lt("score", 0.9)),
                Filter.parse("{\"score\": {\"$gte\": 0.5, \"$lt\": 0.9}}"));
        assertEquals(Filter.and(Filter.eq("category", "science"), Filter.and(Filter.gte("score", 0.5), Filter.lt("score", 0.9))),
                Filter.parse("{\"category\": \"science\", \"score\": {\"$gte\": 0.5, \"$lt\": 0.9}}"));
    }

    @Test
    void logicalOperatorsNestAnywhereAFieldCanStand() {
        assertEquals(Filter.or(Filter.eq("a", 1L), Filter.and(Filter.eq("b", 2L), Filter.not(Filter.eq("c", 3L)))),
                Filter.parse("{\"$or\": [{\"a\": 1}, {\"$and\": [{\"b\": 2}, {\"$not\": {\"c\": 3}}]}]}"));
        assertEquals(Filter.and(Filter.eq("x", "y"), Filter.or(Filter.exists("p"), Filter.lt("q", 0))),
                Filter.parse("{\"x\": \"y\", \"$or\": [{\"p\": {\"$exists\": true}}, {\"q\": {\"$lt\": 0}}]}"));
        assertEquals(Filter.not(Filter.gt("n", 5)), Filter.parse("{\"n\": {\"$not\": {\"$gt\": 5}}}"));
        assertEquals(new Filter.And(List.of()), Filter.parse("{\"$and\": []}"));
        assertEquals(new Filter.Or(List.of()), Filter.parse("{\"$or\": []}"));
    }

    @Test
    void emptyObjectMatchesEverything() {
        assertEquals(Filter.all(), Filter.parse("{}"));
        assertEquals(Filter.all(), Filter.parse("{\"f\": {}}"));
        assertEquals(Filter.all(), Filter.of(Map.of()));
    }

    @Test
    void errorTextsFollowVctrs() {
        assertInvalid("[]", "invalid filter: filter must be an object");
        assertInvalid("\"x\"", "invalid filter: filter must be an object");
        assertInvalid("3", "invalid filter: filter must be an object");
        assertInvalid("null", "invalid filter: filter must be an object");
        assertInvalid("{\"f\": {\"$in\": \"a\"}}", "invalid filter: $in value must be an array");
        assertInvalid("{\"f\": {\"$nin\": 3}}", "invalid filter: $nin value must be an array");
        for (String op : List.of("$gt", "$gte", "$lt", "$lte")) {
            assertInvalid("{\"f\": {\"" + op + "\": \"5\"}}", "invalid filter: " + op + " value must be a number");
            assertInvalid("{\"f\": {\"" + op + "\": true}}", "invalid filter: " + op + " value must be a number");
            assertInvalid("{\"f\": {\"" + op + "\": null}}", "invalid filter: " + op + " value must be a number");
        }
        assertInvalid("{\"f\": {\"$exists\": 1}}", "invalid filter: $exists value must be a boolean");
        assertInvalid("{\"f\": {\"$regex\": \"a.*\"}}", "invalid filter: unknown operator: $regex");
        assertInvalid("{\"f\": {\"a\": 1}}", "invalid filter: unknown operator: a");
        assertInvalid("{\"$where\": 1}", "invalid filter: unknown operator: $where");
        assertInvalid("{\"$and\": {\"a\": 1}}", "invalid filter: $and value must be an array");
        assertInvalid("{\"$or\": [1]}", "invalid filter: $or elements must be objects");
        assertInvalid("{\"$not\": [1]}", "invalid filter: $not value must be an object");
        assertInvalid("{\"f\": {\"$not\": 1}}", "invalid filter: $not value must be an object");
        assertInvalid("{\"\": 1}", "invalid filter: field name must be a non-empty string");
    }

    @Test
    void malformedJsonIsAnInvalidFilter() {
        for (String bad : List.of("", "{", "{\"a\": }", "{\"a\": 1} x", "{\"a\": 1, \"a\": 2}", "{'a': 1}", "{\"a\": NaN}")) {
            InvalidFilterException e = assertThrows(InvalidFilterException.class, () -> Filter.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("invalid filter: invalid JSON: "), e.getMessage());
        }
        assertThrows(InvalidFilterException.class, () -> Filter.parse(null));
    }

    @Test
    void javaValuesAreNormalizedAndValidated() {
        assertEquals(Filter.eq("n", 5L), Filter.eq("n", 5));
        assertEquals(Filter.eq("n", 0.1), Filter.eq("n", 0.1f));
        assertEquals(Filter.in("n", 1L, 2L), Filter.in("n", List.of(1, (short) 2)));
        assertEquals(Filter.eq("n", 7L), Filter.eq("n", BigInteger.valueOf(7)));
        assertEquals(Filter.eq("n", 1.5), Filter.eq("n", new BigDecimal("1.50")));
        assertEquals(Filter.in("n", (Object) null, "x"), Filter.parse("{\"n\": {\"$in\": [null, \"x\"]}}"));
        InvalidFilterException nan = assertThrows(InvalidFilterException.class, () -> Filter.eq("n", Double.NaN));
        assertEquals("invalid filter: value at 'n' is not finite: NaN", nan.getMessage());
        InvalidFilterException type = assertThrows(InvalidFilterException.class, () -> Filter.eq("n", new Object()));
        assertEquals("invalid filter: value at 'n' has unsupported type java.lang.Object", type.getMessage());
        assertThrows(InvalidFilterException.class, () -> Filter.gt("n", Double.NaN));
        assertEquals("invalid filter: unknown operator: $weird",
                assertThrows(InvalidFilterException.class, () -> Filter.eq("$weird", 1)).getMessage());
    }

    @Test
    void ofReadsTheSameStructureAsParse() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("category", Map.of("$in", List.of("sci", "tech")));
        m.put("$or", List.of(Map.of("score", Map.of("$gt", 3)), Map.of("flag", true)));
        assertEquals(Filter.parse("{\"category\": {\"$in\": [\"sci\", \"tech\"]}, "
                        + "\"$or\": [{\"score\": {\"$gt\": 3}}, {\"flag\": true}]}"), Filter.of(m));
        InvalidFilterException e = assertThrows(InvalidFilterException.class,
                () -> Filter.of(Map.of("f", Map.of("$gt", "3"))));
        assertEquals("invalid filter: $gt value must be a number", e.getMessage());
        assertThrows(InvalidFilterException.class, () -> Filter.of(null));
    }

    @Test
    void searchParamsAcceptJsonAndMaps() {
        assertEquals(Filter.eq("a", 1L), SearchParams.k(3).filter("{\"a\": 1}").filter());
        assertEquals(Filter.eq("a", 1L), SearchParams.k(3).filter(Map.of("a", 1)).filter());
    }

    @Test
    void toJsonParsesBackToAnEqualFilter() {
        List<Filter> fixed = List.of(
                Filter.all(), Filter.eq("a", Map.of("k", List.of(1L, "x"))), Filter.eq("z", null),
                Filter.gt("r", Double.POSITIVE_INFINITY), Filter.lte("r", Double.NEGATIVE_INFINITY),
                Filter.not(Filter.all()), new Filter.And(List.of()), new Filter.Or(List.of()),
                Filter.eq("uni", "h\u00e9llo \u2603 \uD83D\uDE00 \"q\" \\"), Filter.in("n", (Object) null),
                Filter.eq("big", new BigInteger("123456789012345678901234567890")),
                Filter.eq("dec", new BigDecimal("0.1000000000000000000000001")));
        for (Filter f : fixed) {
            assertEquals(f, Filter.parse(f.toJson()), f.toJson());
        }
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int i = 0; i < 500; i++) {
            Filter f = RandomFilters.filter(rnd, 3);
            assertEquals(f, Filter.parse(f.toJson()), "seed " + seed + " filter " + f.toJson());
        }
    }
}
