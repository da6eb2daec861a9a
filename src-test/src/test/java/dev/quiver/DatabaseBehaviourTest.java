package dev.quiver;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.quiver.DbTesting.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vctrs behaviours that Quiver keeps (opening, metrics, distances, writes, reads), one test each. */
class DatabaseBehaviourTest {

    @TempDir
    Path tmp;

    private Database create(int dim) {
        return Database.open(tmp.resolve("db"), Config.dim(dim));
    }

    // ---------------------------------------------------------------- opening

    @Test
    void openWithoutConfigReadsShapeFromDisk() {
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(5).metric("l2").m(8).efConstruction(50))) {
            db.add("a", new float[5]);
        }
        try (Database db = Database.open(p)) {
            assertEquals(5, db.dim());
            assertEquals(Metric.EUCLIDEAN, db.metric());
            assertEquals(8, db.config().m());
            assertEquals(50, db.config().efConstruction());
            assertEquals(1, db.size());
        }
    }

    @Test
    void openOfAMissingDatabaseThrowsWithVctrsMessage() {
        Path p = tmp.resolve("nothing");
        DatabaseNotFoundException e = assertThrows(DatabaseNotFoundException.class, () -> Database.open(p));
        assertEquals("database not found at '" + p + "'", e.getMessage());
        assertFalse(Files.exists(p), "open without a config never creates anything");
    }

    @Test
    void openOfAnEmptyDirectoryIsNotFound() throws Exception {
        Path p = Files.createDirectory(tmp.resolve("empty"));
        assertThrows(DatabaseNotFoundException.class, () -> Database.open(p));
        try (var files = Files.list(p)) {
            assertEquals(0, files.count(), "no lock file left behind");
        }
    }

    @Test
    void openWithConfigCreatesTheDirectoryAndParents() {
        Path p = tmp.resolve("a/b/c");
        try (Database db = Database.open(p, Config.dim(2))) {
            assertEquals(0, db.size());
        }
        assertTrue(Files.isDirectory(p));
    }

    @Test
    void emptyCreatedDatabaseReopensWithoutConfig() {
        Path p = tmp.resolve("db");
        Database.open(p, Config.dim(7).metric(Metric.DOT_PRODUCT)).close();
        try (Database db = Database.open(p)) {
            assertEquals(7, db.dim());
            assertEquals(Metric.DOT_PRODUCT, db.metric());
        }
    }

    // ---------------------------------------------------------------- metric names

    @Test
    void metricAliasesAreCanonicalised() {
        assertEquals(Metric.EUCLIDEAN, Metric.parse("l2"));
        assertEquals(Metric.DOT_PRODUCT, Metric.parse("dot"));
        try (Database db = Database.open(tmp.resolve("db"), Config.dim(2).metric("dot"))) {
            assertEquals("dot_product", db.metric().canonicalName());
        }
        InvalidMetricException e = assertThrows(InvalidMetricException.class, () -> Config.dim(2).metric("L2"));
        assertEquals("invalid metric 'L2': use 'cosine', 'euclidean'/'l2', or 'dot'/'dot_product'", e.getMessage());
    }

    // ---------------------------------------------------------------- distances

    @Test
    @Tag("scalar-path")
    void distancesAreSquaredL2NegativeDotAndOneMinusCosine() {
        try (Database db = Database.open(tmp.resolve("l2"), Config.dim(2).metric(Metric.EUCLIDEAN))) {
            db.add("b", new float[] {3, 4});
            assertEquals(25f, db.search(new float[] {0, 0}, 1).getFirst().distance(), 1e-4f);
        }
        try (Database db = Database.open(tmp.resolve("dot"), Config.dim(3).metric(Metric.DOT_PRODUCT))) {
            db.add("b", new float[] {4, 5, 6});
            assertEquals(-32f, db.search(new float[] {1, 2, 3}, 1).getFirst().distance(), 1e-4f);
        }
        try (Database db = Database.open(tmp.resolve("cos"), Config.dim(2))) {
            db.add("same", new float[] {1, 1});
            db.add("opposite", new float[] {-1, -1});
            List<SearchResult> r = db.search(new float[] {2, 2}, 2);
            assertEquals("same", r.get(0).id());
            assertEquals(0f, r.get(0).distance(), 1e-5f);
            assertEquals(2f, r.get(1).distance(), 1e-5f);
        }
    }

    // ---------------------------------------------------------------- writes

    @Test
    void vectorsAreStoredVerbatimNotNormalised() {
        try (Database db = create(3)) {
            float[] v = {3f, 4f, 0.1f};
            db.add("a", v);
            v[0] = 99; // the caller's array is not aliased
            assertArrayEquals(new float[] {3f, 4f, 0.1f}, db.get("a").vector());
        }
    }

    @Test
    void addOfALiveIdThrowsDuplicateAndChangesNothing() {
        try (Database db = create(2)) {
            db.add("a", new float[] {1, 0}, Map.of("k", 1));
            DuplicateIdException e = assertThrows(DuplicateIdException.class, () -> db.add("a", new float[] {0, 1}));
            assertEquals("id 'a' already exists, use upsert instead", e.getMessage());
            assertArrayEquals(new float[] {1, 0}, db.get("a").vector());
            assertEquals(Map.of("k", 1L), db.get("a").metadata());
        }
    }

    @Test
    void upsertOfALiveIdOverwritesInPlaceAndReplacesMetadata() {
        try (Database db = create(2)) {
            db.add("a", new float[] {1, 0}, Map.of("k", 1));
            db.add("b", new float[] {0, 1});
            db.upsert("a", new float[] {0.5f, 0.5f}, Map.of("j", 2));
            assertEquals(2, db.size());
            assertEquals(2, db.totalSlots());
            assertEquals(List.of("a", "b"), db.ids(), "an upsert keeps the id's place");
            assertEquals(Map.of("j", 2L), db.get("a").metadata());
            db.upsert("a", new float[] {0.5f, 0.5f});
            assertNull(db.get("a").metadata(), "upsert without metadata clears it");
        }
    }

    @Test
    void addManyChecksEveryIdBeforeInsertingAny() {
        try (Database db = create(2)) {
            db.add("b", new float[] {1, 1});
            assertThrows(DuplicateIdException.class,
                    () -> db.addMany(List.of("a", "b", "c"), new float[][] {{1, 0}, {0, 1}, {1, 1}}));
            assertEquals(List.of("b"), db.ids());
            assertEquals(1, db.totalSlots());
        }
    }

    @Test
    void emptyBatchesAreNoOps() {
        try (Database db = create(2)) {
            db.addMany(List.of(), new float[0][]);
            db.upsertMany(List.of(), new float[0][], List.of());
            assertEquals(0, db.deleteMany(List.of()));
            assertEquals(List.of(), db.searchMany(new float[0][], 3));
            assertEquals(0, db.size());
        }
    }

    @Test
    void addManyStoresMetadataWithNullEntries() {
        try (Database db = create(2)) {
            List<Map<String, Object>> metas = new ArrayList<>();
            metas.add(Map.of("x", 1));
            metas.add(null);
            db.addMany(List.of("a", "b"), new float[][] {{1, 0}, {0, 1}}, metas);
            assertEquals(Map.of("x", 1L), db.get("a").metadata());
            assertNull(db.get("b").metadata());
        }
    }

    @Test
    void upsertManyUpdatesExistingAndInsertsNew() {
        try (Database db = create(2)) {
            db.add("a", new float[] {1, 0});
            db.upsertMany(List.of("b", "a"), new float[][] {{0, 1}, {0.5f, 0.5f}},
                    List.of(Map.of("n", "b"), Map.of("n", "a")));
            assertEquals(List.of("a", "b"), db.ids());
            assertArrayEquals(new float[] {0.5f, 0.5f}, db.get("a").vector());
            assertEquals(Map.of("n", "a"), db.get("a").metadata());
            assertEquals(2, db.totalSlots());
        }
    }

    @Test
    void updateReplacesOnlyTheGivenParts() {
        try (Database db = create(2)) {
            db.add("a", new float[] {1, 0}, Map.of("k", 1, "z", true));
            db.update("a", null, Map.of("k", 2));
            assertArrayEquals(new float[] {1, 0}, db.get("a").vector());
            assertEquals(Map.of("k", 2L), db.get("a").metadata(), "metadata is replaced whole, not merged");
            db.update("a", new float[] {0, 1}, null);
            assertArrayEquals(new float[] {0, 1}, db.get("a").vector());
            assertEquals(Map.of("k", 2L), db.get("a").metadata());
            assertEquals("a", db.search(new float[] {0, 1}, 1).getFirst().id());
        }
    }

    @Test
    void updateOfAnUnknownIdIsNotFoundBeforeTheDimensionCheck() {
        try (Database db = create(2)) {
            NotFoundException e = assertThrows(NotFoundException.class, () -> db.update("x", new float[3], null));
            assertEquals("id 'x' not found", e.getMessage());
            db.add("x", new float[] {1, 0});
            assertThrows(DimensionMismatchException.class, () -> db.update("x", new float[3], null));
            assertThrows(InvalidArgumentException.class, () -> db.update("x", null, null));
        }
    }

    @Test
    void deleteReportsWhetherTheIdWasLive() {
        try (Database db = create(2)) {
            db.add("a", new float[] {1, 0});
            assertTrue(db.delete("a"));
            assertFalse(db.delete("a"));
            assertFalse(db.contains("a"));
            assertThrows(NotFoundException.class, () -> db.get("a"));
            assertTrue(db.find("a").isEmpty());
            assertEquals(1, db.deletedCount());
            assertTrue(db.search(new float[] {1, 0}, 5).isEmpty());
        }
    }

    @Test
    void deleteManyCountsEachLiveIdOnceAndSkipsUnknown() {
        try (Database db = create(2)) {
            db.addMany(List.of("a", "b", "c"), new float[][] {{1, 0}, {0, 1}, {1, 1}});
            assertEquals(2, db.deleteMany(List.of("a", "a", "zz", "c")));
            assertEquals(List.of("b"), db.ids());
        }
    }

    @Test
    void readdingADeletedIdAppendsANewSlot() {
        try (Database db = create(2)) {
            db.add("a", new float[] {1, 0});
            db.add("b", new float[] {0, 1});
            db.delete("a");
            db.add("a", new float[] {1, 1});
            assertEquals(3, db.totalSlots());
            assertEquals(1, db.deletedCount());
            assertEquals(List.of("b", "a"), db.ids(), "a re-added id goes to the end of insertion order");
        }
    }

    // ---------------------------------------------------------------- reads

    @Test
    void searchReturnsLiveResultsSortedAscending() {
        Random rnd = new Random(1);
        try (Database db = create(7)) {
            for (int i = 0; i < 50; i++) {
                db.add("v" + i, randomVector(rnd, 7), Map.of("i", i));
            }
            float[] q = randomVector(rnd, 7);
            List<SearchResult> r = db.search(q, 10);
            assertEquals(10, r.size());
            for (int i = 1; i < r.size(); i++) {
                assertTrue(r.get(i - 1).distance() <= r.get(i).distance());
            }
            SearchResult first = r.getFirst();
            assertEquals(db.get(first.id()).metadata(), first.metadata());
        }
    }

    @Test
    void kZeroEmptyDatabaseAndLargeKEdges() {
        try (Database db = create(2)) {
            assertEquals(List.of(), db.search(new float[] {1, 0}, 5));
            db.add("a", new float[] {1, 0});
            db.add("b", new float[] {0, 1});
            assertEquals(List.of(), db.search(new float[] {1, 0}, 0));
            assertEquals(2, db.search(new float[] {1, 0}, 100).size(), "k above the count returns every record");
        }
    }

    @Test
    void maxDistanceDropsFartherResultsAfterTopK() {
        try (Database db = Database.open(tmp.resolve("db"), Config.dim(1).metric(Metric.EUCLIDEAN))) {
            for (int i = 0; i < 10; i++) {
                db.add("p" + i, new float[] {i});
            }
            List<SearchResult> r = db.search(new float[] {0}, SearchParams.k(3).maxDistance(1.5f));
            assertEquals(List.of("p0", "p1"), r.stream().map(SearchResult::id).toList());
            r = db.search(new float[] {0}, SearchParams.k(2).maxDistance(100f));
            assertEquals(2, r.size(), "maxDistance never widens the top k");
        }
    }

    @Test
    void searchManyKeepsQueryOrder() {
        try (Database db = create(2)) {
            db.addMany(List.of("x", "y"), new float[][] {{1, 0}, {0, 1}});
            List<List<SearchResult>> r = db.searchMany(new float[][] {{0, 1}, {1, 0}, {0, 2}}, 1);
            assertEquals(List.of("y", "x", "y"), r.stream().map(l -> l.getFirst().id()).toList());
        }
    }

    @Test
    void countWithAndWithoutFilter() {
        try (Database db = create(2)) {
            db.addMany(List.of("a", "b", "c"), new float[][] {{1, 0}, {0, 1}, {1, 1}},
                    List.of(Map.of("t", "x"), Map.of("t", "y"), Map.of("t", "x")));
            assertEquals(3, db.count());
            assertEquals(2, db.count(Filter.eq("t", "x")));
            db.delete("a");
            assertEquals(1, db.count(Filter.eq("t", "x")));
        }
    }

    @Test
    void filteredSearchOnlyReturnsMatches() {
        try (Database db = create(2)) {
            db.addMany(List.of("a", "b", "c"), new float[][] {{1, 0}, {0.9f, 0.1f}, {0, 1}},
                    List.of(Map.of("t", "x"), Map.of("t", "y"), Map.of("t", "x")));
            List<SearchResult> r = db.search(new float[] {1, 0}, SearchParams.k(2).filter(Filter.eq("t", "x")));
            assertEquals(List.of("a", "c"), r.stream().map(SearchResult::id).toList());
            r = db.search(new float[] {1, 0}, SearchParams.k(2).filter(Filter.parse("{\"t\": \"nope\"}")));
            assertTrue(r.isEmpty());
        }
    }

    // ---------------------------------------------------------------- maintenance

    @Test
    void compactDropsTombstonesKeepsRecordsAndOrder() {
        Random rnd = new Random(3);
        try (Database db = create(5)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add("v" + i);
                db.add("v" + i, randomVector(rnd, 5), Map.of("i", i));
            }
            db.compact(); // no tombstones: no-op
            assertEquals(40, db.totalSlots());
            for (int i = 0; i < 40; i += 3) {
                db.delete("v" + i);
                ids.remove("v" + i);
            }
            Map<String, VectorRecord> before = new HashMap<>();
            for (String id : ids) {
                before.put(id, db.get(id));
            }
            db.compact();
            assertEquals(0, db.deletedCount());
            assertEquals(ids.size(), db.totalSlots());
            assertEquals(ids, db.ids());
            for (String id : ids) {
                assertEquals(before.get(id), db.get(id));
            }
            long below20 = ids.stream().filter(id -> Integer.parseInt(id.substring(1)) < 20).count();
            assertEquals(below20, db.count(Filter.lt("i", 20)), "the filter index follows the renumbering");
            float[] q = before.get("v1").vector();
            assertEquals("v1", db.search(q, 1).getFirst().id());
        }
        try (Database db = Database.open(tmp.resolve("db"))) {
            assertEquals(0, db.deletedCount());
        }
    }

    @Test
    void quantizedSearchCanBeEnabledAndDisabled() {
        Random rnd = new Random(5);
        try (Database db = create(16)) {
            db.enableQuantizedSearch();
            assertFalse(db.quantizedSearch(), "enabling on an empty database is a no-op");
            for (int i = 0; i < 100; i++) {
                db.add("v" + i, randomVector(rnd, 16));
            }
            db.enableQuantizedSearch();
            assertTrue(db.quantizedSearch());
            assertTrue(db.stats().usesQuantizedSearch());
            assertFalse(db.stats().walksCodes(), "100 x 16-d fits any cache: walks stay on float32");
            float[] q = db.get("v7").vector();
            assertEquals("v7", db.search(q, 1).getFirst().id());
            db.disableQuantizedSearch();
            assertFalse(db.quantizedSearch());
        }
        try (Database db = Database.open(tmp.resolve("wide"), Config.dim(384))) {
            for (int i = 0; i < 50; i++) {
                db.add("v" + i, randomVector(rnd, 384));
            }
            assertFalse(db.stats().walksCodes(), "not quantized");
            db.enableQuantizedSearch();
            assertTrue(db.stats().walksCodes(), "384 dimensions walk codes even in cache");
            assertEquals("v7", db.search(db.get("v7").vector(), 1).getFirst().id());
        }
    }

    /**
     * vctrs: {@code enable_quantized_search()} lasts the session unless the database was opened or created with
     * quantize; a reopen of a database without the setting searches float32 again (and one with it, quantized).
     */
    @Test
    void aSwitchOnWithoutTheQuantizeSettingLastsOneSession() {
        long seed = 11;
        Random rnd = new Random(seed);
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(8))) {
            for (int i = 0; i < 50; i++) {
                db.add("v" + i, randomVector(rnd, 8));
            }
            db.enableQuantizedSearch();
            db.save();
            assertTrue(db.quantizedSearch());
        }
        try (Database db = Database.open(p)) {
            assertFalse(db.quantizedSearch(), "not carried over a reopen without quantize, seed " + seed);
            assertFalse(db.config().quantize());
            assertEquals("v3", db.search(db.get("v3").vector(), 1).getFirst().id());
        }
        try (Database db = Database.open(p, Config.dim(8).quantize(true))) {
            assertTrue(db.quantizedSearch(), "opened with quantize");
        }
    }

    @Test
    void quantizeConfigSearchesOnCodesFromTheFirstSessionAndAfterReopen() {
        Random rnd = new Random(6);
        Path p = tmp.resolve("q");
        try (Database db = Database.open(p, Config.dim(8).quantize(true))) {
            for (int i = 0; i < 50; i++) {
                db.add("v" + i, randomVector(rnd, 8));
            }
            db.save();
            assertTrue(db.quantizedSearch());
        }
        try (Database db = Database.open(p)) {
            assertTrue(db.quantizedSearch());
            assertEquals("v3", db.search(db.get("v3").vector(), 1).getFirst().id());
        }
    }

    /**
     * A quantized 384-d database past the exact-scan cut-over walks its SQ8 codes (384 dimensions and more always do)
     * and answers as the exact scan does, within the walk's recall: clustered data, recall@10 of default searches
     * against exact ones.
     */
    @Test
    void aWideQuantizedDatabaseWalksItsCodesAndAgreesWithTheExactScan() {
        Random rnd = new Random(23);
        int dim = 384;
        int n = 7000;
        float[][] centers = new float[20][];
        for (int c = 0; c < centers.length; c++) {
            centers[c] = randomVector(rnd, dim);
        }
        float[][] data = new float[n][dim];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                data[i][d] = centers[i % centers.length][d] + 0.3f * (float) rnd.nextGaussian();
            }
            ids.add("v" + i);
        }
        try (Database db = Database.open(tmp.resolve("wide-codes"), Config.dim(dim).quantize(true))) {
            db.addMany(ids, data);
            assertTrue(db.stats().walksCodes() && !db.stats().usesBruteForce(), db.stats().toString());
            int found = 0;
            int queries = 30;
            for (int t = 0; t < queries; t++) {
                float[] q = data[rnd.nextInt(n)].clone();
                for (int d = 0; d < dim; d++) {
                    q[d] += 0.1f * (float) rnd.nextGaussian();
                }
                java.util.Set<String> exact = new java.util.HashSet<>();
                db.search(q, SearchParams.k(10).exact(true)).forEach(r -> exact.add(r.id()));
                for (SearchResult r : db.search(q, 10)) {
                    found += exact.contains(r.id()) ? 1 : 0;
                }
            }
            assertTrue(found >= 0.95 * queries * 10, "recall@10 of code walks " + found / (queries * 10.0));
        }
    }

    @Test
    void statsHaveTheVctrsKeys() {
        try (Database db = create(3)) {
            db.add("a", new float[] {1, 2, 3});
            db.add("b", new float[] {1, 2, 4});
            db.delete("b");
            Map<String, Object> m = db.stats().toMap();
            assertEquals(List.of("num_vectors", "num_deleted", "num_layers", "avg_degree_layer0", "max_degree_layer0",
                    "min_degree_layer0", "memory_vectors_bytes", "memory_graph_bytes", "memory_quantized_bytes",
                    "uses_brute_force", "uses_quantized_search", "generation", "wal_bytes",
                    "wal_bytes_dropped_at_recovery", "durability", "default_ef_search", "default_rerank",
                    "walks_codes"),
                    List.copyOf(m.keySet()));
            assertEquals(1L, m.get("num_vectors"));
            assertEquals(1L, m.get("num_deleted"));
            assertEquals(true, m.get("uses_brute_force"));
            assertEquals("default", m.get("durability"));
            assertTrue((Long) m.get("wal_bytes") > 0);
            db.save();
            assertEquals(1L, db.stats().generation());
        }
    }

    @Test
    void exportThenImportRoundTripsInInsertionOrder() throws Exception {
        Random rnd = new Random(9);
        Path file = tmp.resolve("out.json");
        List<String> ids = new ArrayList<>();
        try (Database db = Database.open(tmp.resolve("src"), Config.dim(3).metric("l2"))) {
            for (int i = 0; i < 2_500; i++) {
                String id = "id" + (i * 7919 % 2_500);
                ids.add(id);
                db.add(id, randomVector(rnd, 3), i % 2 == 0 ? Map.of("i", i, "tags", List.of("a", i)) : null);
            }
            db.exportJson(file, false);
            String text = Files.readString(file);
            assertTrue(text.startsWith("{\"version\":1,\"dim\":3,\"metric\":\"euclidean\",\"vectors\":[{\"id\":\""
                    + ids.getFirst() + "\""), text.substring(0, 80));
            try (Database dst = Database.open(tmp.resolve("dst"), Config.dim(3).metric("l2"))) {
                dst.add(ids.get(5), new float[] {9, 9, 9});
                dst.importJson(file);
                assertEquals(2_500, dst.size());
                for (String id : ids) {
                    assertEquals(db.get(id), dst.get(id), id);
                }
                assertEquals(ids.get(5), dst.ids().getFirst(), "import upserts: an existing id keeps its place");
            }
            db.exportJson(tmp.resolve("pretty.json"), true);
            assertTrue(Files.readString(tmp.resolve("pretty.json")).contains("\n"));
        }
    }

    @Test
    void importRejectsAnotherDimensionBadJsonAndMissingFiles() throws Exception {
        try (Database db = create(3)) {
            Path wrongDim = Files.writeString(tmp.resolve("w.json"),
                    "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[]}");
            DimensionMismatchException e = assertThrows(DimensionMismatchException.class, () -> db.importJson(wrongDim));
            assertEquals("dimension mismatch: expected 3, got 2", e.getMessage());
            Path bad = Files.writeString(tmp.resolve("b.json"), "{\"version\":1,\"dim\":3,\"vectors\":[{\"id\":");
            CorruptDataException c = assertThrows(CorruptDataException.class, () -> db.importJson(bad));
            assertTrue(c.getMessage().startsWith("corrupt data: invalid JSON: "), c.getMessage());
            assertThrows(StorageException.class, () -> db.importJson(tmp.resolve("missing.json")));
            assertEquals(0, db.size());
        }
    }

    /** A 2-d export of records r0..r2999, {@code [1, i]} each, except r2500, whose vector is {@code bad}. */
    private Path exportWithOneBadVector(String name, String bad) throws java.io.IOException {
        StringBuilder doc = new StringBuilder("{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[");
        for (int i = 0; i < 3_000; i++) {
            doc.append(i == 0 ? "" : ",").append("{\"id\":\"r").append(i).append("\",\"vector\":")
                    .append(i == 2_500 ? bad : "[1," + i + "]").append('}');
        }
        doc.append("]}");
        return Files.writeString(tmp.resolve(name), doc);
    }

    @Test
    void aFileWithAnErrorLateInItImportsNothing() throws Exception {
        Path file = exportWithOneBadVector("late.json", "[1,2,3]");
        try (Database db = create(2)) {
            assertThrows(DimensionMismatchException.class, () -> db.importJson(file));
            assertEquals(0, db.size(), "the importer validates the whole file before the first batch");
        }
    }

    /**
     * A vector the database refuses (finite float32 components, but a squared norm past the limit its distances need)
     * late in a file: the import is refused before the first batch, as for a bad id or a wrong length, instead of
     * leaving the batches before it applied.
     */
    @Test
    void aVectorTheDatabaseRefusesLateInAFileImportsNothing() throws Exception {
        Path file = exportWithOneBadVector("huge.json", "[1e19,1]");
        try (Database db = create(2)) {
            db.add("r7", new float[] {5, 5});
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> db.importJson(file));
            assertArrayEquals(new float[] {5, 5}, db.get("r7").vector(), "r7 not overwritten by the first batch");
            assertEquals(1, db.size(), "nothing imported");
            assertTrue(e.getMessage().contains("'r2500'") && e.getMessage().contains("squared norm"), e.getMessage());
        }
    }

    @Test
    void closeSavesAndIsIdempotentAndLaterUseThrows() {
        Path p = tmp.resolve("db");
        Database db = Database.open(p, Config.dim(2));
        db.add("a", new float[] {1, 0});
        db.close();
        db.close();
        assertTrue(db.isClosed());
        ClosedDatabaseException e = assertThrows(ClosedDatabaseException.class, () -> db.search(new float[] {1, 0}, 1));
        assertTrue(e.getMessage().contains(p.toString()));
        assertThrows(ClosedDatabaseException.class, () -> db.add("b", new float[] {1, 0}));
        assertThrows(ClosedDatabaseException.class, db::size);
        assertThrows(ClosedDatabaseException.class, db::save);
        assertTrue(Files.exists(p.resolve("graph.vctrs")), "close saved a generation");
        try (Database again = Database.open(p)) {
            assertEquals(List.of("a"), again.ids());
            assertEquals(1, again.stats().generation() > 0 ? 1 : 0);
        }
    }

    @Test
    void metadataReturnedIsUnmodifiableAndKeysSorted() {
        try (Database db = create(2)) {
            Map<String, Object> meta = new HashMap<>();
            meta.put("zeta", 1);
            meta.put("alpha", List.of(1, 2));
            db.add("a", new float[] {1, 0}, meta);
            Map<String, Object> got = db.get("a").metadata();
            assertEquals(List.of("alpha", "zeta"), List.copyOf(got.keySet()));
            assertThrows(UnsupportedOperationException.class, () -> got.put("x", 1));
            @SuppressWarnings("unchecked")
            List<Object> nested = (List<Object>) got.get("alpha");
            assertThrows(UnsupportedOperationException.class, () -> nested.add(3));
            assertEquals(1, db.count(Filter.eq("zeta", 1)));
        }
    }

    @Test
    void saveWritesTheSnapshotFilesAndEmptiesTheLog() {
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(2))) {
            db.add("a", new float[] {1, 0});
            long before = db.stats().walBytes();
            db.save();
            assertTrue(Files.exists(p.resolve("graph.vctrs")));
            assertTrue(db.stats().walBytes() < before, "the log holds only its header after a save");
            db.add("b", new float[] {0, 1});
            db.save();
            assertEquals(2L, db.stats().generation());
        }
        long generation;
        try (Database db = Database.open(p)) {
            assertEquals(List.of("a", "b"), db.ids());
            generation = db.stats().generation();
        }
        try (Database db = Database.open(p)) {
            assertEquals(generation, db.stats().generation(), "a session that wrote nothing does not save on close");
        }
    }

    @Test
    void theLogIsCheckpointedOnceItPassesItsBound() {
        Path p = tmp.resolve("db");
        Random rnd = new Random(12);
        try (Database db = Database.open(p, Config.dim(16).walCheckpointBytes(8_192))) {
            for (int i = 0; i < 400; i++) {
                db.add("v" + i, randomVector(rnd, 16), Map.of("i", i));
                assertTrue(db.stats().walBytes() <= 8_192 + 1_024, "log bounded at write " + i);
            }
            assertTrue(db.stats().generation() >= 4, "automatic saves: " + db.stats().generation());
        }
        try (Database db = Database.open(p)) {
            assertEquals(400, db.size());
            assertEquals(Map.of("i", 399L), db.get("v399").metadata());
        }
    }

    @Test
    void aTornWalTailIsDroppedAndReported() throws Exception {
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(2))) {
            db.save();
        }
        // Append garbage after the last good record, as a crash in the middle of a write would leave.
        Path wal = p.resolve("wal.vctrs");
        Files.write(wal, new byte[] {1, 2, 3, 4, 5, 6, 7}, java.nio.file.StandardOpenOption.APPEND);
        try (Database db = Database.open(p)) {
            assertEquals(7, db.stats().walBytesDroppedAtRecovery());
            db.add("a", new float[] {1, 0});
        }
        try (Database db = Database.open(p)) {
            assertEquals(List.of("a"), db.ids());
            assertEquals(0, db.stats().walBytesDroppedAtRecovery());
        }
    }

    @Test
    void damagedSnapshotFilesAreReportedAsCorruptNamingTheFile() throws Exception {
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(3))) {
            for (int i = 0; i < 20; i++) {
                db.add("v" + i, new float[] {i, 1, 2}, Map.of("i", i));
            }
        }
        Path catalog;
        try (var files = Files.list(p)) {
            catalog = files.filter(f -> f.getFileName().toString().endsWith(".ids")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(catalog);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(catalog, bytes);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Database.open(p));
        assertTrue(e.getMessage().contains(catalog.getFileName().toString()), e.getMessage());
        Files.write(p.resolve("graph.vctrs"), new byte[] {1, 2, 3});
        assertThrows(CorruptDataException.class, () -> Database.open(p));
    }
}
