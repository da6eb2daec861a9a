package dev.quiver.cli;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.VectorRecord;
import dev.quiver.server.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI in-process: every command, every input format, the exit codes, and search output against the API. */
class CliCommandsTest {

    @TempDir
    Path dir;

    private String data() {
        return dir.resolve("data").toString();
    }

    private CliRun.Result ok(String... args) {
        CliRun.Result r = CliRun.run(args);
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    private void fails(int code, String errorPart, String... args) {
        CliRun.Result r = CliRun.run(args);
        assertEquals(code, r.code(), r.toString());
        String[] lines = r.err().strip().split("\n");
        assertTrue(lines[0].startsWith("quiver: "), r.toString());
        assertTrue(r.err().contains(errorPart), "stderr should name '" + errorPart + "': " + r);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : List.of(new String[] {}, new String[] {"create"}, new String[] {"import"},
                new String[] {"search"}, new String[] {"get"}, new String[] {"delete"}, new String[] {"count"},
                new String[] {"stats"}, new String[] {"export"}, new String[] {"compact"},
                new String[] {"collections"}, new String[] {"collections", "list"},
                new String[] {"collections", "create"}, new String[] {"collections", "delete"},
                new String[] {"serve"}, new String[] {"bench"})) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.add("--help");
            CliRun.Result r = CliRun.run(args.toArray(new String[0]));
            assertEquals(0, r.code(), args + ": " + r);
            assertTrue(r.out().startsWith("Usage: quiver"), args + ": " + r);
            assertTrue(r.out().contains("Exit codes:"), args + ": " + r);
        }
        assertEquals(ExitCodes.USAGE, CliRun.run("search", "--bogus").code());
        assertEquals(ExitCodes.USAGE, CliRun.run("frobnicate").code());
        assertEquals(ExitCodes.USAGE, CliRun.run().code());
        assertEquals(ExitCodes.USAGE, CliRun.run("create", "x").code(), "--dim is required");
    }

    @Test
    void collectionLifecycleAndExitCodes() {
        ok("create", "docs", "--dim", "3", "--metric", "l2", "-d", data());
        fails(ExitCodes.CONFLICT, "collection 'docs' already exists", "create", "docs", "--dim", "3", "-d", data());
        fails(ExitCodes.INVALID_INPUT, "invalid metric 'L2'", "create", "x", "--dim", "3", "--metric", "L2",
                "-d", data());
        fails(ExitCodes.INVALID_INPUT, "invalid collection name", "create", "a b", "--dim", "3", "-d", data());
        ok("collections", "create", "other", "--dim", "5", "-d", data());
        String list = ok("collections", "list", "-d", data()).out();
        assertTrue(list.contains("docs") && list.contains("other"), list);
        Object json = Json.parse(ok("collections", "list", "--json", "-d", data()).out().getBytes(
                StandardCharsets.UTF_8));
        assertEquals(List.of(Map.of("name", "docs", "dim", 3L, "metric", "euclidean", "count", 0L),
                Map.of("name", "other", "dim", 5L, "metric", "cosine", "count", 0L)), json);
        ok("collections", "delete", "other", "-d", data());
        fails(ExitCodes.NOT_FOUND, "no collection 'other'", "collections", "delete", "other", "-d", data());
        fails(ExitCodes.NOT_FOUND, "database not found", "count", "ghost", "-d", data());
        fails(ExitCodes.NOT_FOUND, "id 'zz' not found", "get", "docs", "zz", "-d", data());
        fails(ExitCodes.INVALID_INPUT, "dimension mismatch: expected 3, got 2", "search", "docs", "--vector", "1,2",
                "-d", data());
        fails(ExitCodes.INVALID_INPUT, "invalid filter", "count", "docs", "--filter", "{\"a\": {\"$gt\": \"x\"}}",
                "-d", data());
        fails(ExitCodes.INVALID_INPUT, "--vector 'x' is not a list of numbers", "search", "docs", "--vector", "x",
                "-d", data());
        fails(ExitCodes.NOT_FOUND, "no such file", "import", "docs", dir.resolve("missing.fvecs").toString(),
                "-d", data());
        try (Database held = Database.open(dir.resolve("data").resolve("docs"))) {
            fails(ExitCodes.LOCKED, "docs", "count", "docs", "-d", data());
            assertEquals(0, held.size());
        }
    }

    @Test
    void commandsThatReadDoNotCreateAMissingDataDirectory() throws Exception {
        String typo = dir.resolve("typo").resolve("data").toString();
        Path queries = dir.resolve("q.fvecs");
        Path truth = dir.resolve("gt.ivecs");
        TestFiles.fvecs(queries, new float[][] {{1, 2, 3}});
        TestFiles.ivecs(truth, new int[][] {{0}});
        fails(ExitCodes.NOT_FOUND, "no data directory '" + typo + "'", "bench", "docs", "--queries",
                queries.toString(), "--ground-truth", truth.toString(), "-k", "1", "-q", "-d", typo);
        for (String[] cmd : List.of(new String[] {"count", "docs"}, new String[] {"get", "docs", "a"},
                new String[] {"search", "docs", "--vector", "1,2,3"}, new String[] {"stats", "docs"},
                new String[] {"export", "docs", dir.resolve("out.json").toString()}, new String[] {"compact", "docs"},
                new String[] {"delete", "docs", "a"})) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of("-d", typo));
            fails(ExitCodes.NOT_FOUND, "no data directory '" + typo + "'", args.toArray(new String[0]));
        }
        fails(ExitCodes.NOT_FOUND, "no collection 'docs'", "collections", "delete", "docs", "-d", typo);
        assertTrue(ok("collections", "list", "-d", typo).out().contains("(no collections in " + typo + ")"));
        assertEquals("[]", ok("collections", "list", "--json", "-d", typo).out().strip());
        assertFalse(java.nio.file.Files.exists(dir.resolve("typo")), "nothing was created");
        ok("create", "docs", "--dim", "3", "-d", typo);
        assertEquals("0", ok("count", "docs", "-d", typo).out().strip());
    }

    @Test
    void importsEveryFormatVerbatim() throws Exception {
        int dim = 17;
        float[][] rows = TestFiles.gaussian(40, dim, 7);
        Path fvecs = dir.resolve("v.fvecs");
        TestFiles.fvecs(fvecs, rows);
        Path npy32 = dir.resolve("v32.npy");
        TestFiles.npy(npy32, rows, false);
        Path npy64 = dir.resolve("v64.npy");
        TestFiles.npy(npy64, rows, true);
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> metas = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            ids.add("doc-" + i);
            metas.add(i % 3 == 0 ? null : Map.of("i", (long) i, "even", i % 2 == 0));
        }
        Path jsonl = dir.resolve("v.jsonl");
        TestFiles.jsonl(jsonl, ids, rows, metas);
        Path meta = dir.resolve("meta.jsonl");
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> m : metas) {
            sb.append(m == null ? "null" : Output.json(m, false)).append('\n');
        }
        Files.writeString(meta, sb);

        ok("import", "f", fvecs.toString(), "--metadata", meta.toString(), "--metric", "euclidean", "--batch", "7",
                "-d", data());
        ok("import", "n32", npy32.toString(), "--id-prefix", "r", "-q", "-d", data());
        ok("import", "n64", npy64.toString(), "-q", "-d", data());
        ok("import", "j", jsonl.toString(), "-q", "-d", data());
        ok("export", "j", dir.resolve("j.json").toString(), "-d", data());
        ok("import", "fromjson", dir.resolve("j.json").toString(), "-q", "-d", data());

        int[][] bytes = new int[5][3];
        for (int i = 0; i < 5; i++) {
            bytes[i] = new int[] {i, 255 - i, 128};
        }
        Path bvecs = dir.resolve("b.bvecs");
        TestFiles.bvecs(bvecs, bytes);
        ok("import", "b", bvecs.toString(), "-q", "-d", data());

        try (dev.quiver.Client client = new dev.quiver.Client(dir.resolve("data"))) {
            Database f = client.getCollection("f");
            assertEquals(Metric.EUCLIDEAN, f.metric());
            Database n32 = client.getCollection("n32");
            Database n64 = client.getCollection("n64");
            Database j = client.getCollection("j");
            Database fromJson = client.getCollection("fromjson");
            assertEquals(Metric.COSINE, fromJson.metric(), "the document's metric");
            for (int i = 0; i < rows.length; i++) {
                VectorRecord r = f.get(Integer.toString(i));
                assertArrayEquals(rows[i], r.vector());
                assertEquals(metas.get(i), r.metadata());
                assertArrayEquals(rows[i], n32.get("r" + i).vector());
                assertArrayEquals(rows[i], n64.get(Integer.toString(i)).vector());
                assertEquals(new VectorRecord("doc-" + i, rows[i], metas.get(i)), j.get("doc-" + i));
                assertEquals(j.get("doc-" + i), fromJson.get("doc-" + i));
            }
            assertEquals(40, f.size());
            Database b = client.getCollection("b");
            assertArrayEquals(new float[] {3, 252, 128}, b.get("3").vector());
        }
        // Re-importing upserts (the default): same count.
        ok("import", "f", fvecs.toString(), "--metadata", meta.toString(), "-q", "-d", data());
        assertEquals("40", ok("count", "f", "-d", data()).out().strip());
        fails(ExitCodes.CONFLICT, "already exists", "import", "f", fvecs.toString(), "--mode", "add", "-q", "-d",
                data());
        fails(ExitCodes.INVALID_INPUT, "metric mismatch: collection 'f' uses euclidean, --metric asks for cosine",
                "import", "f", fvecs.toString(), "--metric", "cosine", "-q", "-d", data());
        fails(ExitCodes.INVALID_INPUT, "dimension mismatch: collection 'f' has dim 17, " + bvecs + " has 3",
                "import", "f", bvecs.toString(), "-q", "-d", data());
        assertEquals("13", ok("count", "f", "--filter", "{\"even\": true}", "-d", data()).out().strip());
    }

    @Test
    void malformedFilesImportNothing() throws Exception {
        Path truncated = dir.resolve("t.fvecs");
        TestFiles.fvecs(truncated, TestFiles.gaussian(10, 3, 1));
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length - 2));
        fails(ExitCodes.INVALID_INPUT, "t.fvecs: row 9 is truncated", "import", "t", truncated.toString(), "-q",
                "-d", data());
        Path mixed = dir.resolve("m.jsonl");
        Files.writeString(mixed, "{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"b\",\"vector\":[1,2,3]}\n");
        fails(ExitCodes.INVALID_INPUT, "m.jsonl: line 2: vector has dimension 3, earlier records 2", "import", "t",
                mixed.toString(), "-q", "-d", data());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"b\",\"vector\":[1,2}\n");
        fails(ExitCodes.INVALID_INPUT, "bad.jsonl: line 2: malformed JSON", "import", "t", bad.toString(), "-q",
                "-d", data());
        Path doc = dir.resolve("d.json");
        Files.writeString(doc, "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":\"a\","
                + "\"vector\":[1,2]},{\"id\":\"b\",\"vector\":[1]}]}");
        fails(ExitCodes.INVALID_INPUT, "vectors[1] has dimension 1, the document says 2", "import", "t",
                doc.toString(), "-q", "-d", data());
        fails(ExitCodes.INVALID_INPUT, "cannot tell the format", "import", "t", dir.resolve("x.csv").toString(),
                "-d", data());
        // The check pass refused every file before the collection, or even the data directory, was created.
        fails(ExitCodes.NOT_FOUND, "no data directory", "count", "t", "-d", data());
        assertFalse(Files.exists(dir.resolve("data").resolve("t")), "nothing was created");
    }

    @Test
    void rowsTheDatabaseWouldRejectImportNothing() throws Exception {
        // The check pass must catch what the engine rejects per record, or the import stops half-way: the
        // collection created and the batches before the bad row written.
        float[][] rows = TestFiles.gaussian(10, 3, 2);
        rows[7][1] = Float.NaN;
        Path nan = dir.resolve("nan.fvecs");
        TestFiles.fvecs(nan, rows);
        fails(ExitCodes.INVALID_INPUT, "nan.fvecs: row 7 component 1 is NaN", "import", "t", nan.toString(),
                "--batch", "4", "-q", "-d", data());
        rows[7][1] = Float.POSITIVE_INFINITY;
        Path inf = dir.resolve("inf.npy");
        TestFiles.npy(inf, rows, false);
        fails(ExitCodes.INVALID_INPUT, "inf.npy: row 7 component 1 is Infinity", "import", "t", inf.toString(),
                "--batch", "4", "-q", "-d", data());
        rows[7][1] = 1e30f;
        Path wide = dir.resolve("wide.npy");
        TestFiles.npy(wide, rows, true);
        double[] big = {1, 1e300, 1};
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(wide))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int rowStart = b.capacity() - (10 - 7) * 3 * 8;
        for (int i = 0; i < 3; i++) {
            b.putDouble(rowStart + 8 * i, big[i]);
        }
        Files.write(wide, b.array());
        fails(ExitCodes.INVALID_INPUT, "wide.npy: row 7 component 1 is Infinity", "import", "t", wide.toString(),
                "--batch", "4", "-q", "-d", data());
        Path emptyId = dir.resolve("e.jsonl");
        Files.writeString(emptyId, "{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"\",\"vector\":[1,2]}\n");
        fails(ExitCodes.INVALID_INPUT, "e.jsonl: line 2: 'id' must not be empty", "import", "t", emptyId.toString(),
                "--batch", "1", "-q", "-d", data());
        Path doc = dir.resolve("d.json");
        Files.writeString(doc, "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":\"a\","
                + "\"vector\":[1,2]},{\"id\":\"\",\"vector\":[1,2]}]}");
        fails(ExitCodes.INVALID_INPUT, "vectors[1].id must not be empty", "import", "t", doc.toString(),
                "--batch", "1", "-q", "-d", data());
        assertFalse(Files.exists(dir.resolve("data").resolve("t")), "nothing was created");
    }

    @Test
    void aBatchTheDatabaseRefusesRemovesACollectionTheImportCreated() throws Exception {
        // An id repeated in a later batch under --mode add passes the reading pass; the database refuses that batch.
        Path dup = dir.resolve("dup.jsonl");
        Files.writeString(dup, "{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"b\",\"vector\":[1,2]}\n"
                + "{\"id\":\"a\",\"vector\":[3,4]}\n");
        CliRun.Result refused = CliRun.run("import", "t", dup.toString(), "--mode", "add", "--batch", "2", "-q", "-d",
                data());
        assertEquals(ExitCodes.CONFLICT, refused.code(), refused.toString());
        assertTrue(refused.err().contains("quiver: id 'a' already exists, use upsert instead (nothing imported:"
                + " collection 't', created by this import, was removed)"), refused.toString());
        fails(ExitCodes.NOT_FOUND, "database not found", "count", "t", "-d", data());
        // Into a collection that was there, the batches before the refused one stay, and the message says so.
        ok("create", "t", "--dim", "2", "-d", data());
        fails(ExitCodes.CONFLICT, "2 of 3 records were imported before it", "import", "t", dup.toString(), "--mode",
                "add", "--batch", "2", "-q", "-d", data());
        assertEquals("2", ok("count", "t", "-d", data()).out().strip());
    }

    @Test
    void serveRefusesAnEmptyApiKeyInsteadOfServingWithoutOne() {
        // '--api-key "$KEY"' with KEY unset must not start a server that anyone can write to.
        CliRun.Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> CliRun.run("serve", "--api-key", "", "--port", "0", "-d", data()),
                "serve started without a key instead of refusing the empty one");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().startsWith("quiver: api key must not be empty"), r.toString());
    }

    @Test
    void searchOutputMatchesTheApiAndEditsApply() throws Exception {
        int dim = 33;
        float[][] rows = TestFiles.gaussian(500, dim, 11);
        Path fvecs = dir.resolve("s.fvecs");
        TestFiles.fvecs(fvecs, rows);
        Path meta = dir.resolve("s.meta.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.length; i++) {
            sb.append("{\"group\": ").append(i % 5).append("}\n");
        }
        Files.writeString(meta, sb);
        ok("import", "s", fvecs.toString(), "--metadata", meta.toString(), "--metric", "dot", "-q", "-d", data());
        float[][] queries = TestFiles.gaussian(4, dim, 12);
        Path qfile = dir.resolve("q.npy");
        TestFiles.npy(qfile, queries, false);

        String filter = "{\"group\": {\"$in\": [1, 3]}}";
        String one = ok("search", "s", "--vector", Output.json(queries[0], false), "--k", "7", "--filter", filter,
                "--json", "-d", data()).out();
        String many = ok("search", "s", "--queries", qfile.toString(), "--k", "5", "--ef", "50", "--json", "-d",
                data()).out();
        String table = ok("search", "s", "--vector", Output.json(queries[0], false), "-d", data()).out();
        assertTrue(table.startsWith("rank  id"), table);
        assertEquals(11, table.strip().split("\n").length, table);

        try (Database db = Database.open(dir.resolve("data").resolve("s"))) {
            List<SearchResult> want = db.search(queries[0], SearchParams.k(7).filter(filter));
            // Same JVM, but the CLI ran first: compare with a tolerance (see CliProcessTest.assertSameHits).
            CliProcessTest.assertSameHits(parse(Output.json(Output.hits(want), false)), parse(one), "--vector");
            List<List<SearchResult>> wantMany = db.searchMany(queries, SearchParams.k(5).efSearch(50));
            List<?> gotMany = parse(many);
            assertEquals(queries.length, gotMany.size());
            for (int i = 0; i < queries.length; i++) {
                CliProcessTest.assertSameHits(parse(Output.json(Output.hits(wantMany.get(i)), false)),
                        (List<?>) gotMany.get(i), "--queries, query " + i);
            }
            assertEquals(7, want.size());
        }

        ok("delete", "s", "0", "1", "2", "-d", data());
        fails(ExitCodes.NOT_FOUND, "none of the ids exist", "delete", "s", "0", "-d", data());
        assertEquals("497", ok("count", "s", "-d", data()).out().strip());
        Map<?, ?> stats = (Map<?, ?>) Json.parse(ok("stats", "s", "-d", data()).out().getBytes(StandardCharsets.UTF_8));
        assertEquals(3L, stats.get("num_deleted"));
        assertEquals("dot_product", stats.get("metric"));
        assertTrue(ok("compact", "s", "-d", data()).out().contains("dropped 3 deleted slots"));
        stats = (Map<?, ?>) Json.parse(ok("stats", "s", "-d", data()).out().getBytes(StandardCharsets.UTF_8));
        assertEquals(0L, stats.get("num_deleted"));
        Map<?, ?> got = (Map<?, ?>) Json.parse(ok("get", "s", "10", "-d", data()).out().getBytes(
                StandardCharsets.UTF_8));
        assertEquals(Map.of("group", 0L), got.get("metadata"));
        String exported = ok("export", "s", "-", "-d", data()).out();
        Map<?, ?> doc = (Map<?, ?>) Json.parse(exported.getBytes(StandardCharsets.UTF_8));
        assertEquals(497, ((List<?>) doc.get("vectors")).size());
    }

    @Test
    void benchReportsTheRecallTheApiGives() throws Exception {
        int dim = 7;
        float[][] base = TestFiles.gaussian(600, dim, 21);
        float[][] queries = TestFiles.gaussian(30, dim, 22);
        Path b = dir.resolve("base.fvecs");
        Path q = dir.resolve("query.fvecs");
        TestFiles.fvecs(b, base);
        TestFiles.fvecs(q, queries);
        int[][] gt = new int[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            gt[i] = bruteForce(base, queries[i], 10);
        }
        Path g = dir.resolve("gt.ivecs");
        TestFiles.ivecs(g, gt);
        ok("import", "bench", b.toString(), "--metric", "l2", "-q", "-d", data());
        String out = ok("bench", "bench", "--queries", q.toString(), "--ground-truth", g.toString(), "--ef", "10,40",
                "--json", "-q", "-d", data()).out();
        String[] lines = out.strip().split("\n");
        assertEquals(2, lines.length, out);
        try (Database db = Database.open(dir.resolve("data").resolve("bench"))) {
            for (int l = 0; l < 2; l++) {
                Map<?, ?> row = (Map<?, ?>) Json.parse(lines[l].getBytes(StandardCharsets.UTF_8));
                int ef = ((Number) row.get("ef")).intValue();
                assertEquals(l == 0 ? 10 : 40, ef);
                long hits = 0;
                for (int i = 0; i < queries.length; i++) {
                    java.util.Set<Integer> want = new java.util.HashSet<>();
                    for (int x : gt[i]) {
                        want.add(x);
                    }
                    for (SearchResult r : db.search(queries[i], SearchParams.k(10).efSearch(ef))) {
                        hits += want.contains(Integer.parseInt(r.id())) ? 1 : 0;
                    }
                }
                assertEquals(hits / (double) (queries.length * 10), ((Number) row.get("recall")).doubleValue(), 1e-9,
                        lines[l]);
                assertTrue(((Number) row.get("qps")).doubleValue() > 0);
                assertTrue(((Number) row.get("p99_ms")).doubleValue() >= ((Number) row.get("p50_ms")).doubleValue());
            }
        }
        // Without --ef the row is the collection's default plan (calibrated at the import's save), which is what a
        // search without efSearch runs; it is not labelled with the uncalibrated max(200, ...) width.
        String defaultRow = ok("bench", "bench", "--queries", q.toString(), "--ground-truth", g.toString(), "--json",
                "-q", "-d", data()).out().strip();
        Map<?, ?> row = (Map<?, ?>) Json.parse(defaultRow.getBytes(StandardCharsets.UTF_8));
        assertTrue(row.containsKey("ef") && row.get("ef") == null, defaultRow);
        try (Database db = Database.open(dir.resolve("data").resolve("bench"))) {
            long hits = 0;
            for (int i = 0; i < queries.length; i++) {
                java.util.Set<Integer> want = new java.util.HashSet<>();
                for (int x : gt[i]) {
                    want.add(x);
                }
                for (SearchResult r : db.search(queries[i], SearchParams.k(10))) {
                    hits += want.contains(Integer.parseInt(r.id())) ? 1 : 0;
                }
            }
            assertEquals(hits / (double) (queries.length * 10), ((Number) row.get("recall")).doubleValue(), 1e-9,
                    defaultRow);
        }
        String table = ok("bench", "bench", "--queries", q.toString(), "--ground-truth", g.toString(), "-q", "-d",
                data()).out();
        assertTrue(table.strip().split("\n")[1].startsWith("default "), table);
        assertFalse(ok("search", "--help").out().contains("max(200"), "search --help names the calibrated default");
        fails(ExitCodes.INVALID_INPUT, "has 1 rows for 30 queries", "bench", "bench", "--queries", q.toString(),
                "--ground-truth", writeOneRow(g).toString(), "-d", data());
        // Out-of-range numbers are named, not a NegativeArraySizeException ("quiver: -5") or a recall of NaN.
        fails(ExitCodes.INVALID_INPUT, "--limit must be at least 1, got -5", "bench", "bench", "--queries",
                q.toString(), "--ground-truth", g.toString(), "--limit", "-5", "-q", "-d", data());
        fails(ExitCodes.INVALID_INPUT, "-k must be at least 1, got 0", "bench", "bench", "--queries", q.toString(),
                "--ground-truth", g.toString(), "-k", "0", "-q", "-d", data());
    }

    private static List<?> parse(String json) {
        return (List<?>) Json.parse(json.strip().getBytes(StandardCharsets.UTF_8));
    }

    private Path writeOneRow(Path g) throws Exception {
        Path one = g.resolveSibling("one.ivecs");
        TestFiles.ivecs(one, new int[][] {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}});
        return one;
    }

    static int[] bruteForce(float[][] base, float[] q, int k) {
        Integer[] idx = new Integer[base.length];
        double[] d = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            idx[i] = i;
            double s = 0;
            for (int j = 0; j < q.length; j++) {
                double x = (double) base[i][j] - q[j];
                s += x * x;
            }
            d[i] = s;
        }
        java.util.Arrays.sort(idx, (a, b2) -> Double.compare(d[a], d[b2]) != 0 ? Double.compare(d[a], d[b2])
                : Integer.compare(a, b2));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    @Test
    void createdConfigIsStored() {
        ok("create", "cfg", "--dim", "129", "--metric", "dot_product", "--m", "8", "--ef-construction", "64",
                "--quantize", "-d", data());
        try (Database db = Database.open(dir.resolve("data").resolve("cfg"))) {
            Config c = db.config();
            assertEquals(129, c.dim());
            assertEquals(Metric.DOT_PRODUCT, c.metric());
            assertEquals(8, c.m());
            assertEquals(64, c.efConstruction());
            assertTrue(c.quantize());
        }
    }
}
