package dev.quiver.internal.meta;

import dev.quiver.CorruptDataException;
import dev.quiver.InvalidArgumentException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetadataCodecTest {

    private static Map<String, Object> roundTrip(Map<String, ?> in) {
        return MetadataCodec.decode(MetadataCodec.encode(MetadataCodec.validate(in)));
    }

    @Test
    @Tag("scalar-path")
    void nestedUnicodeAndLargeNumbersRoundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", "h\u00e9llo \u2603 \uD83D\uDE00 \"quoted\" \\ \n\t\u0001");
        m.put("n", 42L);
        m.put("neg", Long.MIN_VALUE);
        m.put("max", Long.MAX_VALUE);
        m.put("huge", new BigInteger("123456789012345678901234567890"));
        m.put("x", 0.1);
        m.put("tiny", Double.MIN_VALUE);
        m.put("big", Double.MAX_VALUE);
        m.put("precise", new BigDecimal("0.1000000000000000000000001"));
        m.put("flag", false);
        m.put("nothing", null);
        m.put("tags", Arrays.asList("a", null, 1L, 2.5, List.of(), Map.of()));
        m.put("nested", Map.of("deeper", Map.of("k", List.of(Map.of("z", true)))));
        m.put("", "empty key");
        Map<String, Object> normalized = MetadataCodec.validate(m);
        assertEquals(normalized, roundTrip(m));
        assertEquals(Map.of(), roundTrip(Map.of()));
        assertNull(MetadataCodec.validate(null));
    }

    @Test
    void keysComeBackSortedByCodePoint() {
        Map<String, Object> m = new HashMap<>();
        for (String k : List.of("b", "a", "\uFFFD", "\uD83D\uDE00", "B", "aa", "")) {
            m.put(k, 1L);
        }
        // UTF-16 order would put the surrogate pair (U+1F600) before U+FFFD; code point order puts it last.
        assertEquals(List.of("", "B", "a", "aa", "b", "\uFFFD", "\uD83D\uDE00"), new ArrayList<>(roundTrip(m).keySet()));
        Map<String, Object> nested = roundTrip(Map.of("o", Map.of("z", 1, "y", 2, "x", 3)));
        assertEquals(List.of("x", "y", "z"), new ArrayList<>(((Map<?, ?>) nested.get("o")).keySet()));
        String json = new String(MetadataCodec.encode(MetadataCodec.validate(Map.of("b", 1, "a", List.of(2)))), StandardCharsets.UTF_8);
        assertEquals("{\"a\":[2],\"b\":1}", json);
    }

    @Test
    void javaNumberTypesAreNormalized() {
        Map<String, Object> m = roundTrip(Map.of("i", 5, "s", (short) 3, "f", 0.1f, "bi", BigInteger.TEN,
                "bd", new BigDecimal("2.50"), "bdi", new BigDecimal("7"), "neg0", -0.0));
        assertEquals(Map.of("i", 5L, "s", 3L, "f", 0.1, "bi", 10L, "bd", 2.5, "bdi", 7L, "neg0", 0.0), m);
        assertEquals(Double.class, roundTrip(Map.of("d", 10.0)).get("d").getClass());
        assertEquals(Long.class, roundTrip(Map.of("d", 10L)).get("d").getClass());
        assertEquals(List.of("x"), roundTrip(Map.of("set", Set.of("x"))).get("set"));
        assertEquals(List.of("x", "y"), roundTrip(Map.of("arr", new String[] {"x", "y"})).get("arr"));
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        assertEquals("invalid metadata: value at 'score' is not finite: NaN", assertThrows(InvalidArgumentException.class,
                () -> MetadataCodec.validate(Map.of("score", Double.NaN))).getMessage());
        assertEquals("invalid metadata: value at 'a.b[1]' is not finite: Infinity", assertThrows(InvalidArgumentException.class,
                () -> MetadataCodec.validate(Map.of("a", Map.of("b", List.of(1.0, Float.POSITIVE_INFINITY))))).getMessage());
        assertEquals("invalid metadata: value at 'when' has unsupported type java.lang.Thread",
                assertThrows(InvalidArgumentException.class,
                        () -> MetadataCodec.validate(Map.of("when", Thread.currentThread()))).getMessage());
        Map<Object, Object> badKey = new HashMap<>();
        badKey.put(3, "x");
        assertEquals("invalid metadata: object key in 'o' must be a string, got java.lang.Integer",
                assertThrows(InvalidArgumentException.class, () -> MetadataCodec.validate(Map.of("o", badKey))).getMessage());
        Map<String, Object> deep = new HashMap<>();
        Map<String, Object> cur = deep;
        for (int i = 0; i < JsonValues.MAX_DEPTH + 5; i++) {
            Map<String, Object> next = new HashMap<>();
            cur.put("d", next);
            cur = next;
        }
        assertThrows(InvalidArgumentException.class, () -> MetadataCodec.validate(deep));
    }

    @Test
    void nestingUpToTheLimitIsReadBackAndOneLevelMoreIsRejected() {
        // What validate accepts goes into the log: the reader must take it back, or the database fails for good.
        Map<String, Object> deepest = nested(JsonValues.MAX_DEPTH);
        assertEquals(MetadataCodec.validate(deepest), roundTrip(deepest));
        assertThrows(InvalidArgumentException.class, () -> MetadataCodec.validate(nested(JsonValues.MAX_DEPTH + 1)));
    }

    /** A metadata object {@code levels} levels deep: the object, then lists inside it. */
    private static Map<String, Object> nested(int levels) {
        Object value = List.of();
        for (int i = 2; i < levels; i++) {
            value = List.of(value);
        }
        return Map.of("x", value);
    }

    @Test
    void damagedBytesAreCorruptData() {
        for (String bad : List.of("", "[1]", "{\"a\":", "{\"a\":1}x", "nope")) {
            assertThrows(CorruptDataException.class, () -> MetadataCodec.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void randomMetadataRoundTrips() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            Map<String, Object> m = randomObject(rnd, 3);
            Map<String, Object> normalized = MetadataCodec.validate(m);
            assertEquals(normalized, roundTrip(m), "seed " + seed);
            assertEquals(normalized, MetadataCodec.validate(normalized), "normalizing twice changes nothing, seed " + seed);
        }
    }

    private static Map<String, Object> randomObject(Random rnd, int depth) {
        Map<String, Object> m = new HashMap<>();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            m.put(randomString(rnd), randomValue(rnd, depth));
        }
        return m;
    }

    private static Object randomValue(Random rnd, int depth) {
        return switch (rnd.nextInt(depth > 0 ? 12 : 10)) {
            case 0 -> null;
            case 1 -> rnd.nextBoolean();
            case 2 -> randomString(rnd);
            case 3 -> rnd.nextLong();
            case 4 -> rnd.nextInt(100);
            case 5 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
            case 6 -> Double.longBitsToDouble(rnd.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL);
            case 7 -> rnd.nextFloat();
            case 8 -> new BigInteger(100, rnd);
            case 9 -> new BigDecimal(new BigInteger(90, rnd), rnd.nextInt(40) - 20);
            case 10 -> {
                List<Object> l = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    l.add(randomValue(rnd, depth - 1));
                }
                yield l;
            }
            default -> randomObject(rnd, depth - 1);
        };
    }

    private static String randomString(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(6); i > 0; i--) {
            sb.appendCodePoint(switch (rnd.nextInt(4)) {
                case 0 -> 'a' + rnd.nextInt(26);
                case 1 -> rnd.nextInt(0x80);
                case 2 -> 0x80 + rnd.nextInt(0xD000);
                default -> 0x10000 + rnd.nextInt(0x1000);
            });
        }
        return sb.toString();
    }
}
