package dev.quiver.cli;

import dev.quiver.Database;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.server.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI as a child process, the way a user runs it: import a real data set (a bounded slice of
 * ../shared/datasets/wordnet-minilm-384 with its metadata, else bigann-10k, else generated vectors), search from a
 * query file with a filter, compare with the API, then serve the same data and compare the server's answers.
 */
class CliProcessTest {

    static final int BASE_ROWS = 2000;
    static final int QUERIES = 20;

    @TempDir
    Path dir;

    record Child(int code, String out, String err) { }

    static ProcessBuilder cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), QuiverCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    static Child run(String... args) throws Exception {
        Process p = cli(args).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "quiver " + String.join(" ", args) + " timed out");
        return new Child(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err,
                StandardCharsets.UTF_8));
    }

    /** The data set slice: base.fvecs (+ meta), queries.fvecs, metric and a filter that its metadata supports. */
    record Slice(String name, Path base, Path meta, Path queries, String metric, String filter) { }

    private Slice slice() throws IOException {
        Path root = TestFiles.datasetsRoot();
        Path words = root == null ? null : root.resolve("wordnet-minilm-384");
        Path sift = root == null ? null : root.resolve("bigann-10k");
        Path base = dir.resolve("base.fvecs");
        Path queries = dir.resolve("queries.fvecs");
        if (words != null && Files.isRegularFile(words.resolve("base.fvecs"))) {
            TestFiles.fvecs(base, TestFiles.readFvecs(words.resolve("base.fvecs"), BASE_ROWS));
            TestFiles.fvecs(queries, TestFiles.readFvecs(words.resolve("query.fvecs"), QUERIES));
            Path meta = dir.resolve("base.meta.jsonl");
            try (var lines = Files.lines(words.resolve("base.meta.jsonl"))) {
                Files.write(meta, lines.limit(BASE_ROWS).toList());
            }
            return new Slice("wordnet-minilm-384", base, meta, queries, "cosine", "{\"pos\": \"v\"}");
        }
        if (sift != null && Files.isRegularFile(sift.resolve("base.fvecs"))) {
            TestFiles.fvecs(base, TestFiles.readFvecs(sift.resolve("base.fvecs"), BASE_ROWS));
            TestFiles.fvecs(queries, TestFiles.readFvecs(sift.resolve("query.fvecs"), QUERIES));
            return new Slice("bigann-10k", base, null, queries, "l2", null);
        }
        System.err.println("CliProcessTest: ../shared/datasets not found (set -Dquiver.datasets=DIR); using"
                + " generated vectors");
        TestFiles.fvecs(base, TestFiles.gaussian(BASE_ROWS, 100, 5));
        TestFiles.fvecs(queries, TestFiles.gaussian(QUERIES, 100, 6));
        return new Slice("generated", base, null, queries, "euclidean", null);
    }

    @Test
    void importSearchAndServeAsChildProcesses() throws Exception {
        Slice s = slice();
        String data = dir.resolve("data").toString();
        List<String> importArgs = new ArrayList<>(List.of("import", "set", s.base().toString(), "--metric",
                s.metric(), "-d", data));
        if (s.meta() != null) {
            importArgs.addAll(List.of("--metadata", s.meta().toString()));
        }
        Child imported = run(importArgs.toArray(new String[0]));
        assertEquals(0, imported.code(), s.name() + ": " + imported);
        assertTrue(imported.out().contains("imported " + BASE_ROWS + " records into 'set'"), imported.out());
        assertTrue(imported.err().contains("import set 100%"), "a progress bar on stderr: " + imported.err());

        List<String> searchArgs = new ArrayList<>(List.of("search", "set", "--queries", s.queries().toString(),
                "--k", "10", "--json", "-d", data));
        if (s.filter() != null) {
            searchArgs.addAll(List.of("--filter", s.filter()));
        }
        Child searched = run(searchArgs.toArray(new String[0]));
        assertEquals(0, searched.code(), searched.toString());
        List<?> cliResults = (List<?>) Json.parse(searched.out().getBytes(StandardCharsets.UTF_8));
        assertEquals(QUERIES, cliResults.size());

        Child missing = run("get", "set", "no-such-id", "-d", data);
        assertEquals(ExitCodes.NOT_FOUND, missing.code(), missing.toString());
        List<String> errLines = missing.err().lines().filter(l -> l.startsWith("quiver: ")).toList();
        assertEquals(List.of("quiver: id 'no-such-id' not found"), errLines, missing.err());

        float[][] queries = TestFiles.readFvecs(s.queries(), QUERIES);
        try (Database db = Database.open(Path.of(data, "set"))) {
            assertEquals(BASE_ROWS, db.size());
            SearchParams params = SearchParams.k(10);
            if (s.filter() != null) {
                params = params.filter(s.filter());
            }
            // The CLI ran a query file through searchMany, so the API call is the same one.
            List<List<SearchResult>> all = db.searchMany(queries, params);
            for (int q = 0; q < QUERIES; q++) {
                List<SearchResult> want = all.get(q);
                assertSameHits((List<?>) Json.parse(Output.json(Output.hits(want), false).getBytes(
                        StandardCharsets.UTF_8)), (List<?>) cliResults.get(q), s.name() + " query " + q);
                if (s.filter() != null) {
                    for (SearchResult r : want) {
                        assertEquals("v", r.metadata().get("pos"));
                    }
                }
            }
        }

        Process server = cli("serve", "--port", "0", "-d", data).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String url = listeningUrl(server);
            HttpClient http = HttpClient.newHttpClient();
            for (int q = 0; q < 3; q++) {
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                body.put("vector", queries[q]);
                body.put("k", 10);
                if (s.filter() != null) {
                    body.put("filter", Json.parse(s.filter().getBytes(StandardCharsets.UTF_8)));
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url
                        + "/collections/set/search")).POST(HttpRequest.BodyPublishers.ofString(Output.json(body,
                        false))).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertSameHits((List<?>) cliResults.get(q), (List<?>) Json.parse(r.body().getBytes(
                        StandardCharsets.UTF_8)), "server and CLI agree, query " + q);
            }
            HttpResponse<String> add = http.send(HttpRequest.newBuilder(URI.create(url + "/collections/set/add"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"added-by-server\",\"vector\":"
                            + Output.json(queries[0], false) + "}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, add.statusCode(), add.body());
        } finally {
            server.destroy();  // SIGTERM: graceful stop, saves
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
        Child count = run("count", "set", "-d", data);
        assertEquals(String.valueOf(BASE_ROWS + 1), count.out().strip(), count.toString());
    }

    /**
     * Same ids, metadata and order; distances equal to float rounding. Two processes can differ in a distance's
     * last bit (seen on wordnet-minilm-384: the same call in two JVMs, likely Vector API code intrinsified in one
     * and not yet in the other), so distances are compared with a tolerance.
     */
    static void assertSameHits(List<?> want, List<?> got, String why) {
        assertEquals(want.size(), got.size(), why);
        for (int i = 0; i < want.size(); i++) {
            Map<?, ?> w = (Map<?, ?>) want.get(i);
            Map<?, ?> g = (Map<?, ?>) got.get(i);
            assertEquals(w.get("id"), g.get("id"), why + " rank " + i);
            assertEquals(w.get("metadata"), g.get("metadata"), why + " rank " + i);
            double wd = ((Number) w.get("distance")).doubleValue();
            assertEquals(wd, ((Number) g.get("distance")).doubleValue(), 1e-6 * Math.max(1, Math.abs(wd)),
                    why + " rank " + i);
        }
    }

    static String listeningUrl(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening on ")) {
                return line.substring("listening on ".length()).split(" ")[0];
            }
        }
        throw new IllegalStateException("serve exited before listening");
    }
}
