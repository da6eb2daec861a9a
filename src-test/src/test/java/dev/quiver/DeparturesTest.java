package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quiver.internal.db.PlannerOverride;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.quiver.DbTesting.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per user-visible departure from vctrs (docs/DEPARTURES.md, D1-D11); D12, the calibrated default search
 * plan, is tested by DefaultSearchPlanTest.
 */
class DeparturesTest {

    @TempDir
    Path tmp;

    private Database create(int dim) {
        return Database.open(tmp.resolve("db"), Config.dim(dim));
    }

    @Test
    void departure1EmptyFilterMatchesEverythingAndNullEqualityIsEvaluated() {
        try (Database db = create(2)) {
            Map<String, Object> nullField = new HashMap<>();
            nullField.put("x", null);
            db.addMany(List.of("a", "b", "c"), new float[][] {{1, 0}, {0, 1}, {1, 1}},
                    List.of(nullField, Map.of("x", List.of(1, 2)), Map.of("y", 1)));
            assertEquals(3, db.count(Filter.parse("{}")));
            assertEquals(3, db.search(new float[] {1, 0}, SearchParams.k(5).filter(Filter.parse("{}"))).size());
            assertEquals(1, db.count(Filter.parse("{\"x\": null}")));
            assertEquals(1, db.count(Filter.parse("{\"x\": [1, 2]}")));
            assertEquals(List.of("b"), db.search(new float[] {1, 0},
                    SearchParams.k(5).filter(Filter.parse("{\"x\": {\"$in\": [[1, 2]]}}"))).stream()
                    .map(SearchResult::id).toList());
        }
    }

    @Test
    void departure2CountOfAMixedAndFilterIsExact() {
        try (Database db = create(2)) {
            for (int i = 0; i < 20; i++) {
                db.add("v" + i, new float[] {1, i}, Map.of("cat", i % 2 == 0 ? "x" : "y", "score", i));
            }
            // vctrs ignored the range clause here and answered 10.
            assertEquals(5, db.count(Filter.parse("{\"cat\": \"x\", \"score\": {\"$gt\": 9}}")));
            assertEquals(7, db.count(Filter.or(Filter.lt("score", 3), Filter.gte("score", 16))));
        }
    }

    @Test
    void departure3FilteredSearchReturnsKWheneverKMatchInGraphMode() {
        Random rnd = new Random(33);
        int n = 10_000;
        int dim = 24; // n * dim is above the exact-path cut-over: the graph answers unfiltered searches
        try (Database db = Database.open(tmp.resolve("db"), Config.dim(dim).efConstruction(64))) {
            List<String> ids = new ArrayList<>(n);
            List<Map<String, Object>> metas = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add("v" + i);
                metas.add(Map.of("p1", i % 100 == 0, "p25", i % 4 == 0, "p60", i % 10 < 6));
            }
            db.addMany(ids, DbTesting.randomVectors(rnd, n, dim), metas);
            assertFalse(db.stats().usesBruteForce());
            for (boolean graphOnly : new boolean[] {false, true}) {
                PlannerOverride override = graphOnly ? PlannerOverride.graphOnly() : null;
                try {
                    for (String field : List.of("p1", "p25", "p60")) {
                        Filter f = Filter.eq(field, true);
                        for (int q = 0; q < 5; q++) {
                            List<SearchResult> r = db.search(randomVector(rnd, dim), SearchParams.k(50).filter(f));
                            assertEquals(50, r.size(), field + (graphOnly ? " (graph)" : " (planned)"));
                            for (SearchResult hit : r) {
                                assertEquals(true, hit.metadata().get(field));
                            }
                        }
                    }
                } finally {
                    if (override != null) {
                        override.close();
                    }
                }
            }
            // Fewer matches than k: every match.
            assertEquals(100, db.search(randomVector(rnd, dim), SearchParams.k(500).filter(Filter.eq("p1", true)))
                    .size());
        }
    }

    @Test
    void departure4NumbersCompareByValue() {
        try (Database db = create(2)) {
            db.add("int", new float[] {1, 0}, Map.of("n", 10));
            db.add("float", new float[] {0, 1}, Map.of("n", 10.0));
            assertEquals(2, db.count(Filter.eq("n", 10)));
            assertEquals(2, db.count(Filter.parse("{\"n\": 10.0}")));
            assertEquals(2, db.search(new float[] {1, 0}, SearchParams.k(5).filter(Filter.in("n", 10L))).size());
        }
    }

    @Test
    void departure5DuplicatesInAddManyAreRejectedAndUpsertManyLastWins() {
        try (Database db = create(2)) {
            DuplicateIdException e = assertThrows(DuplicateIdException.class,
                    () -> db.addMany(List.of("a", "b", "a"), new float[][] {{1, 0}, {0, 1}, {1, 1}}));
            assertTrue(e.getMessage().contains("'a'"), e.getMessage());
            assertEquals(0, db.size());
            assertEquals(0, db.totalSlots());
            db.upsertMany(List.of("a", "b", "a"), new float[][] {{1, 0}, {0, 1}, {1, 1}},
                    List.of(Map.of("v", 1), Map.of("v", 2), Map.of("v", 3)));
            assertEquals(2, db.size());
            assertEquals(2, db.totalSlots(), "no orphan slot");
            assertEquals(List.of("a", "b"), db.ids());
            assertArrayEquals(new float[] {1, 1}, db.get("a").vector());
            assertEquals(Map.of("v", 3L), db.get("a").metadata());
        }
        try (Database db = Database.open(tmp.resolve("db"))) {
            assertEquals(List.of("a", "b"), db.ids());
            assertEquals(Map.of("v", 3L), db.get("a").metadata());
        }
    }

    @Test
    void departure6ADatabaseIsRecoveredFromItsLogAloneBeforeAnySave() throws Exception {
        Path src = tmp.resolve("src");
        Path copy = tmp.resolve("copy");
        try (Database db = Database.open(src, Config.dim(3).metric("dot"))) {
            db.add("a", new float[] {1, 2, 3}, Map.of("k", "v"));
            db.addMany(List.of("b", "c"), new float[][] {{3, 2, 1}, {0, 0, 1}});
            db.delete("c");
            // While it is open nothing was saved: the directory holds the lock and the log only.
            assertFalse(Files.exists(src.resolve("graph.vctrs")));
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Database db = Database.open(copy)) {
            assertEquals(3, db.dim());
            assertEquals(Metric.DOT_PRODUCT, db.metric());
            assertEquals(List.of("a", "b"), db.ids());
            assertEquals(Map.of("k", "v"), db.get("a").metadata());
        }
    }

    @Test
    void departure7OpeningWithAnotherDimOrMetricThrows() {
        Path p = tmp.resolve("db");
        Database.open(p, Config.dim(4).metric(Metric.EUCLIDEAN)).close();
        DimensionMismatchException d = assertThrows(DimensionMismatchException.class,
                () -> Database.open(p, Config.dim(5).metric(Metric.EUCLIDEAN)));
        assertTrue(d.getMessage().contains("4") && d.getMessage().contains("5"), d.getMessage());
        InvalidArgumentException m = assertThrows(InvalidArgumentException.class,
                () -> Database.open(p, Config.dim(4).metric(Metric.COSINE)));
        assertTrue(m.getMessage().contains("euclidean") && m.getMessage().contains("cosine"), m.getMessage());
        try (Database db = Database.open(p, Config.dim(4).metric("l2").m(32))) {
            assertEquals(Config.DEFAULT_M, db.config().m(), "the stored m wins");
        }
    }

    @Test
    void departure8BadValuesAreRejectedWithClearErrors() {
        try (Database db = create(3)) {
            InvalidArgumentException nan = assertThrows(InvalidArgumentException.class,
                    () -> db.add("a", new float[] {1, Float.NaN, 0}));
            assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
            assertThrows(InvalidArgumentException.class, () -> db.add("a", new float[] {Float.POSITIVE_INFINITY, 0, 0}));
            assertThrows(InvalidArgumentException.class, () -> db.add("", new float[3]));
            assertThrows(InvalidArgumentException.class, () -> db.search(new float[3], -1));
            assertThrows(InvalidArgumentException.class, () -> SearchParams.k(3).efSearch(0));
            assertEquals(List.of(), db.search(new float[3], 0));
            assertEquals(0, db.size());
        }
        assertThrows(InvalidArgumentException.class, () -> Config.dim(0));
        assertThrows(InvalidArgumentException.class, () -> Config.dim(3).m(1));
    }

    @Test
    void departure9ADirectoryCannotBeOpenedTwice() {
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(2))) {
            db.add("a", new float[] {1, 0});
            assertThrows(DatabaseLockedException.class, () -> Database.open(p));
            assertThrows(DatabaseLockedException.class, () -> Database.open(p, Config.dim(2)));
            assertEquals(1, db.size(), "the first handle keeps working");
        }
        try (Database db = Database.open(p)) {
            assertEquals(1, db.size());
        }
    }

    @Test
    void departure10IdsAndExportAreInInsertionOrder() throws Exception {
        List<String> order = new ArrayList<>();
        Random rnd = new Random(10);
        try (Database db = create(2)) {
            for (int i = 0; i < 300; i++) {
                String id = Integer.toHexString(rnd.nextInt());
                if (order.contains(id)) {
                    continue;
                }
                order.add(id);
                db.add(id, randomVector(rnd, 2));
            }
            assertEquals(order, db.ids());
            Path file = tmp.resolve("e.json");
            db.exportJson(file, false);
            String text = Files.readString(file);
            int at = 0;
            for (String id : order) {
                int next = text.indexOf("\"id\":\"" + id + "\"", at);
                assertTrue(next > at, "export order at " + id);
                at = next;
            }
            db.save();
        }
        try (Database db = Database.open(tmp.resolve("db"))) {
            assertEquals(order, db.ids(), "after reopen too");
        }
    }

    @Test
    void departure11ARecordWithoutMetadataMatchesNegativeConditions() {
        try (Database db = create(2)) {
            db.add("bare", new float[] {1, 0});
            db.add("tagged", new float[] {0, 1}, Map.of("cat", "x"));
            for (Filter f : List.of(Filter.ne("cat", "x"), Filter.nin("cat", "x", "y"), Filter.exists("cat", false),
                    Filter.not(Filter.eq("cat", "x")))) {
                assertEquals(1, db.count(f), f.toString());
                assertEquals(List.of("bare"), db.search(new float[] {0, 1}, SearchParams.k(2).filter(f)).stream()
                        .map(SearchResult::id).toList(), f.toString());
            }
            for (Filter f : List.of(Filter.eq("cat", "x"), Filter.exists("cat"), Filter.in("cat", "x"))) {
                assertEquals(List.of("tagged"), db.search(new float[] {1, 0}, SearchParams.k(2).filter(f)).stream()
                        .map(SearchResult::id).toList(), f.toString());
            }
        }
    }
}
