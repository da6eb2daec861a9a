package dev.quiver;

import dev.quiver.internal.db.InputChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input for every public method: a typed exception naming the bad value, and the database unchanged afterwards.
 */
class BadInputTest {

    @TempDir
    Path tmp;

    private static final int DIM = 3;
    private static final String LONG_ID = "x".repeat(70_000);

    /** A fingerprint of everything observable, to compare before and after a rejected call. */
    private static String snapshot(Database db) {
        StringBuilder sb = new StringBuilder();
        sb.append(db.ids()).append(db.size()).append(db.totalSlots()).append(db.deletedCount());
        for (String id : db.ids()) {
            VectorRecord r = db.get(id);
            sb.append(id).append(Arrays.toString(r.vector())).append(r.metadata());
        }
        sb.append(db.stats().walBytes());
        return sb.toString();
    }

    private static <T extends Throwable> T rejects(Database db, Class<T> type, Executable call, String... fragments) {
        String before = snapshot(db);
        T e = assertThrows(type, call);
        for (String f : fragments) {
            if (!e.getMessage().contains(f)) {
                throw new AssertionError("message '" + e.getMessage() + "' lacks '" + f + "'");
            }
        }
        assertEquals(before, snapshot(db), "database changed by a rejected call: " + e.getMessage());
        return e;
    }

    private Database seeded() {
        Database db = Database.open(tmp.resolve("db"), Config.dim(DIM));
        db.add("a", new float[] {1, 0, 0}, Map.of("k", 1));
        db.add("b", new float[] {0, 1, 0});
        return db;
    }

    @Test
    void badVectorsAreRejectedByEveryWrite() {
        try (Database db = seeded()) {
            float[] nan = {0, Float.NaN, 0};
            float[] inf = {Float.NEGATIVE_INFINITY, 0, 0};
            float[] shortV = {1, 2};
            for (float[] bad : new float[][] {nan, inf}) {
                rejects(db, InvalidArgumentException.class, () -> db.add("n", bad), "finite");
                rejects(db, InvalidArgumentException.class, () -> db.upsert("a", bad), "finite");
                rejects(db, InvalidArgumentException.class, () -> db.update("a", bad, null), "finite");
                rejects(db, InvalidArgumentException.class,
                        () -> db.addMany(List.of("n1", "n2"), new float[][] {{1, 1, 1}, bad}), "vectors[1]");
                rejects(db, InvalidArgumentException.class,
                        () -> db.upsertMany(List.of("a", "n2"), new float[][] {{1, 1, 1}, bad}), "vectors[1]");
            }
            String msg = "dimension mismatch: expected 3, got 2";
            rejects(db, DimensionMismatchException.class, () -> db.add("n", shortV), msg);
            rejects(db, DimensionMismatchException.class, () -> db.upsert("a", shortV), msg);
            rejects(db, DimensionMismatchException.class, () -> db.update("a", shortV, null), msg);
            rejects(db, DimensionMismatchException.class,
                    () -> db.addMany(List.of("n1", "n2"), new float[][] {{1, 1, 1}, shortV}), msg);
            rejects(db, DimensionMismatchException.class,
                    () -> db.upsertMany(List.of("n1", "a"), new float[][] {{1, 1, 1}, shortV}), msg);
            rejects(db, InvalidArgumentException.class, () -> db.add("n", null), "null");
            rejects(db, InvalidArgumentException.class, () -> db.upsert("n", null), "null");
            rejects(db, InvalidArgumentException.class,
                    () -> db.addMany(List.of("n1"), new float[][] {null}), "null");
            rejects(db, InvalidArgumentException.class, () -> db.addMany(List.of("n1"), null), "null");
        }
    }

    @Test
    void badIdsAreRejected() {
        try (Database db = seeded()) {
            float[] v = {1, 1, 1};
            rejects(db, InvalidArgumentException.class, () -> db.add("", v), "empty");
            rejects(db, InvalidArgumentException.class, () -> db.add(null, v), "null");
            rejects(db, InvalidArgumentException.class, () -> db.add(LONG_ID, v), "70000");
            rejects(db, InvalidArgumentException.class, () -> db.upsert("", v), "empty");
            rejects(db, InvalidArgumentException.class, () -> db.add("bad\uD800id", v), "surrogate");
            rejects(db, InvalidArgumentException.class, () -> db.update("", v, null), "empty");
            rejects(db, InvalidArgumentException.class,
                    () -> db.addMany(Arrays.asList("n1", null), new float[][] {v, v}), "null");
            rejects(db, InvalidArgumentException.class,
                    () -> db.upsertMany(List.of("n1", ""), new float[][] {v, v}), "empty");
            rejects(db, InvalidArgumentException.class, () -> db.get(null), "null");
            rejects(db, InvalidArgumentException.class, () -> db.delete(null), "null");
            rejects(db, InvalidArgumentException.class, () -> db.deleteMany(Arrays.asList("a", null)), "null");
            rejects(db, NotFoundException.class, () -> db.get("zz"), "id 'zz' not found");
            rejects(db, NotFoundException.class, () -> db.update("zz", v, null), "id 'zz' not found");
        }
    }

    @Test
    void mismatchedBatchLengthsAreRejectedWithVctrsMessages() {
        try (Database db = seeded()) {
            float[] v = {1, 1, 1};
            rejects(db, InvalidArgumentException.class, () -> db.addMany(List.of("x", "y"), new float[][] {v}),
                    "ids length (2) != vectors length (1)");
            rejects(db, InvalidArgumentException.class,
                    () -> db.upsertMany(List.of("x"), new float[][] {v}, List.of(Map.of(), Map.of())),
                    "metadatas length (2) != ids length (1)");
            rejects(db, DuplicateIdException.class, () -> db.addMany(List.of("x", "a"), new float[][] {v, v}),
                    "id 'a' already exists");
        }
    }

    @Test
    void badMetadataIsRejected() {
        try (Database db = seeded()) {
            float[] v = {1, 1, 1};
            Map<String, Object> nanMeta = Map.of("score", Double.NaN);
            rejects(db, InvalidArgumentException.class, () -> db.add("n", v, nanMeta), "score");
            rejects(db, InvalidArgumentException.class, () -> db.upsert("a", v, nanMeta), "score");
            rejects(db, InvalidArgumentException.class, () -> db.update("a", null, nanMeta), "score");
            Map<String, Object> foreign = Map.of("when", new Object());
            rejects(db, InvalidArgumentException.class, () -> db.add("n", v, foreign), "when");
            List<Map<String, Object>> metas = new ArrayList<>();
            metas.add(null);
            metas.add(nanMeta);
            rejects(db, InvalidArgumentException.class,
                    () -> db.addMany(List.of("n1", "n2"), new float[][] {v, v}, metas), "metadatas[1]");
            Map<Object, Object> nonStringKey = new HashMap<>();
            nonStringKey.put(1, "x");
            @SuppressWarnings("unchecked")
            Map<String, ?> cast = (Map<String, ?>) (Map<?, ?>) nonStringKey;
            rejects(db, InvalidArgumentException.class, () -> db.add("n", v, cast));
        }
    }

    @Test
    void badQueriesAreRejected() {
        try (Database db = seeded()) {
            rejects(db, DimensionMismatchException.class, () -> db.search(new float[] {1, 1}, 1),
                    "dimension mismatch: expected 3, got 2");
            rejects(db, InvalidArgumentException.class, () -> db.search(new float[] {Float.NaN, 1, 1}, 1), "NaN");
            rejects(db, InvalidArgumentException.class, () -> db.search(null, 1), "null");
            rejects(db, InvalidArgumentException.class, () -> db.search(new float[3], -1), "-1");
            rejects(db, DimensionMismatchException.class, () -> db.searchMany(new float[][] {{1, 1, 1}, {1, 1}}, 1),
                    "expected 3, got 2");
            rejects(db, InvalidArgumentException.class, () -> db.searchMany(new float[][] {{1, 1, 1}}, -2), "-2");
            rejects(db, InvalidArgumentException.class, () -> db.searchMany(null, 1), "null");
            rejects(db, InvalidArgumentException.class, () -> SearchParams.k(-1), "-1");
            rejects(db, InvalidArgumentException.class, () -> SearchParams.k(1).efSearch(0), "0");
            rejects(db, InvalidArgumentException.class, () -> SearchParams.k(1).maxDistance(Float.NaN), "NaN");
        }
    }

    @Test
    void invalidFiltersAreRejected() {
        try (Database db = seeded()) {
            rejects(db, InvalidFilterException.class, () -> Filter.parse("[1]"), "invalid filter");
            rejects(db, InvalidFilterException.class, () -> Filter.parse("{\"a\": {\"$in\": 3}}"), "$in");
            rejects(db, InvalidFilterException.class, () -> Filter.parse("{\"a\": {\"$gt\": \"x\"}}"), "$gt");
            rejects(db, InvalidFilterException.class, () -> Filter.parse("{\"a\": {\"$regex\": \"x\"}}"), "$regex");
            rejects(db, InvalidFilterException.class, () -> Filter.parse("{not json"), "invalid filter");
            rejects(db, InvalidFilterException.class, () -> db.count(null), "null");
        }
    }

    @Test
    void quantizationPastTheSq8DimensionLimitIsRefusedAndChangesNothing() {
        int dim = dev.quiver.internal.quant.Sq8Codes.MAX_DIM + 1;
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Config.dim(dim).quantize(true));
        assertTrue(e.getMessage().contains(String.valueOf(dim)), e.getMessage());
        float[] v = new float[dim];
        v[7] = 1f;
        try (Database db = Database.open(tmp.resolve("wide"), Config.dim(dim))) {
            db.add("a", v);
            String before = snapshot(db);
            e = assertThrows(InvalidArgumentException.class, db::enableQuantizedSearch);
            assertTrue(e.getMessage().contains(String.valueOf(dim)), e.getMessage());
            assertEquals(before, snapshot(db));
            assertTrue(!db.quantizedSearch());
            assertEquals("a", db.search(v, 1).get(0).id());
        }
    }

    @Test
    void everyMethodOfAClosedDatabaseThrowsClosed() {
        Database db = seeded();
        db.close();
        float[] v = {1, 1, 1};
        List<Executable> calls = List.of(
                () -> db.add("x", v), () -> db.add("x", v, Map.of()), () -> db.upsert("x", v),
                () -> db.upsert("x", v, null), () -> db.addMany(List.of("x"), new float[][] {v}),
                () -> db.upsertMany(List.of("x"), new float[][] {v}), () -> db.update("a", v, null),
                () -> db.delete("a"), () -> db.deleteMany(List.of("a")), () -> db.search(v, 1),
                () -> db.search(v, SearchParams.k(1)), () -> db.searchMany(new float[][] {v}, 1),
                () -> db.get("a"), () -> db.find("a"), () -> db.contains("a"), db::count,
                () -> db.count(Filter.all()), db::ids, db::size, db::deletedCount, db::totalSlots,
                db::quantizedSearch, db::save, db::compact, db::enableQuantizedSearch, db::disableQuantizedSearch,
                db::stats, () -> db.exportJson(tmp.resolve("x.json"), false),
                () -> db.importJson(tmp.resolve("x.json")));
        for (Executable call : calls) {
            assertThrows(ClosedDatabaseException.class, call);
        }
        db.close(); // still idempotent
        assertEquals(3, db.dim(), "the fixed shape stays readable");
        try (Database again = Database.open(tmp.resolve("db"))) {
            assertEquals(List.of("a", "b"), again.ids());
            assertArrayEquals(new float[] {1, 0, 0}, again.get("a").vector());
        }
    }

    @Test
    void metadataOverTheJsonReadersLimitsIsAnInputErrorNamingTheLimit() {
        try (Database db = seeded()) {
            String longKey = "k".repeat(50_001);
            InvalidArgumentException e = rejects(db, InvalidArgumentException.class,
                    () -> db.add("c", new float[] {1, 1, 1}, Map.of(longKey, 1)), "50000");
            assertTrue(e.getMessage().length() < 500, "the message quotes the key's start, not all of it");
            String longString = "s".repeat(20_000_001);
            rejects(db, InvalidArgumentException.class,
                    () -> db.upsert("a", new float[] {1, 1, 1}, Map.of("text", longString)), "20000000", "text");
            rejects(db, InvalidArgumentException.class,
                    () -> db.update("a", null, Map.of("n", new java.math.BigInteger("9".repeat(1001)))), "1000");
            rejects(db, InvalidArgumentException.class, () -> db.addMany(List.of("c"), new float[][] {{1, 1, 1}},
                    List.of(Map.of("deep", Map.of(longKey, 1)))), "50000");
            // At the limits the values go in and read back after a reopen.
            db.add("c", new float[] {1, 1, 1}, Map.of("k".repeat(50_000), "s".repeat(1_000_000)));
        }
        try (Database db = Database.open(tmp.resolve("db"))) {
            assertEquals("s".repeat(1_000_000), db.get("c").metadata().get("k".repeat(50_000)));
        }
    }

    @Test
    void metadataTooLargeForOneLogRecordIsAnInputErrorAndTheDatabaseKeepsServing() {
        try (Database db = seeded()) {
            // Every string is within the JSON reader's limit, but together they encode to ~280 MB, more than one
            // log record carries (256 MiB): the write must be refused as bad input before anything is logged,
            // not fail the database at the log append.
            List<String> big = java.util.Collections.nCopies(14, "s".repeat(20_000_000));
            float[] v = {1, 1, 1};
            rejects(db, InvalidArgumentException.class, () -> db.add("c", v, Map.of("text", big)), "metadata");
            rejects(db, InvalidArgumentException.class, () -> db.update("a", null, Map.of("text", big)), "metadata");
            rejects(db, InvalidArgumentException.class, () -> db.upsertMany(List.of("a", "c"), new float[][] {v, v},
                    java.util.Arrays.asList(null, Map.of("text", big))), "metadatas[1]", "id 'c'");
            db.add("c", v, Map.of("k", 2));
            assertEquals(List.of("a", "b", "c"), db.ids());
        }
        try (Database db = Database.open(tmp.resolve("db"))) {
            assertEquals(Map.of("k", 2L), db.get("c").metadata());
        }
    }

    @Test
    void vectorsWhoseDistancesWouldOverflowAreRejectedAndNeverAnsweredWithNaN() {
        for (Metric metric : Metric.values()) {
            Path p = tmp.resolve("overflow-" + metric.canonicalName());
            try (Database db = Database.open(p, Config.dim(DIM).metric(metric))) {
                db.add("a", new float[] {1, 2, 3});
                float[] huge = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
                rejects(db, InvalidArgumentException.class, () -> db.search(huge, 1), "query", "squared norm");
                rejects(db, InvalidArgumentException.class, () -> db.add("h", huge), "vector", "squared norm");
                rejects(db, InvalidArgumentException.class, () -> db.searchMany(new float[][] {{1, 1, 1}, huge}, 1),
                        "queries[1]");
                // Large but accepted: every distance is a number.
                float[] big = {3e18f, -3e18f, 3e18f};
                db.add("big", big);
                db.add("big2", new float[] {-3e18f, 3e18f, -3e18f});
                for (float[] q : new float[][] {big, {1, 2, 3}, {-3e18f, 3e18f, -3e18f}}) {
                    for (SearchResult r : db.search(q, SearchParams.k(3).exact(true))) {
                        assertTrue(Float.isFinite(r.distance()), metric + " " + r);
                    }
                    for (SearchResult r : db.search(q, 3)) {
                        assertTrue(Float.isFinite(r.distance()), metric + " " + r);
                    }
                }
            }
        }
    }

    /**
     * The input check takes a SIMD shortcut when a vector's float32 squared norm is finite and at most half the
     * limit; anything else goes through the exact loop. At an odd length (every SIMD tail runs) a NaN or an infinity
     * at any position is rejected naming that position. Norms just either side of the limit test the exact loop (and
     * 1.001x would be accepted by a shortcut bound at or above the limit); 0.49x is accepted by the shortcut.
     */
    @Test
    void everyPositionOfAnOddLengthVectorIsCheckedAndTheNormLimitIsExact() {
        int dim = 37;
        try (Database db = Database.open(tmp.resolve("odd"), Config.dim(dim))) {
            float[] ok = new float[dim];
            Arrays.fill(ok, 1f);
            db.add("a", ok);
            for (int i = 0; i < dim; i++) {
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] v = ok.clone();
                    v[i] = bad;
                    rejects(db, InvalidArgumentException.class, () -> db.search(v, 1), "component " + i + " ");
                    rejects(db, InvalidArgumentException.class, () -> db.add("b", v), "component " + i + " ");
                }
            }
            // One large component puts the squared norm at a chosen multiple of the limit (the rest add 36).
            double limit = InputChecks.MAX_SQUARED_NORM;
            float[] below = ok.clone();
            below[dim / 2] = (float) Math.sqrt(limit * 0.999);
            float[] above = ok.clone();
            above[dim / 2] = (float) Math.sqrt(limit * 1.001);
            float[] overflowsFloat = ok.clone();
            overflowsFloat[3] = 2e19f; // its float32 square overflows while the double sum is exact
            float[] half = ok.clone();
            half[dim / 2] = (float) Math.sqrt(limit * 0.49);
            db.add("half", half);
            db.add("below", below);
            rejects(db, InvalidArgumentException.class, () -> db.add("above", above), "squared norm");
            rejects(db, InvalidArgumentException.class, () -> db.search(overflowsFloat, 1), "squared norm");
            assertEquals(List.of("a", "half", "below"), db.ids());
            for (SearchResult r : db.search(below, SearchParams.k(3).exact(true))) {
                assertTrue(Float.isFinite(r.distance()), r.toString());
            }
        }
    }
}
