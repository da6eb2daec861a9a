package dev.quiver.server;

import dev.quiver.Database;
import dev.quiver.SearchParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A bounded loopback load run (not part of the normal suite): a server child process on bigann-10k (or synthetic
 * vectors when the shared data sets are absent), C concurrent HTTP clients for a fixed time per phase (search,
 * add, 90/10 search/upsert), then the same searches straight on the Database in this JVM for the HTTP overhead ratio.
 * Run:
 * <pre>
 * ./mvnw -B -q -o -pl server -am test -Dtest=ServerLoadBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dquiver.load=true [-Dquiver.load.clients=8] [-Dquiver.load.seconds=10]
 * </pre>
 * The report goes to server/target/server-load.md.
 */
@EnabledIfSystemProperty(named = "quiver.load", matches = "true")
class ServerLoadBench {

    @TempDir
    Path data;

    record Phase(String name, int clients, long requests, long errors, double seconds, long[] nanos) {
        String row() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.3f | %.3f | %.3f |", name, clients,
                    requests, errors, requests / seconds, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999));
        }

        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }

    @Test
    void loopbackLoad() throws Exception {
        int clients = Integer.getInteger("quiver.load.clients", 8);
        int seconds = Integer.getInteger("quiver.load.seconds", 10);
        float[][] base;
        float[][] queries;
        String dataset;
        Path root = datasetsRoot();
        if (root != null && Files.isRegularFile(root.resolve("bigann-10k/base.fvecs"))) {
            base = fvecs(root.resolve("bigann-10k/base.fvecs"));
            queries = fvecs(root.resolve("bigann-10k/query.fvecs"));
            dataset = "bigann-10k (9,500 x 128, l2)";
        } else {
            base = gaussian(10_000, 128, 1);
            queries = gaussian(500, 128, 2);
            dataset = "synthetic gaussian 10,000 x 128 (l2; shared data sets absent)";
        }
        List<String> report = new ArrayList<>();
        report.add("data: " + dataset + "; " + clients + " concurrent clients; " + seconds + " s per phase after a"
                + " " + Math.max(2, seconds / 3) + " s warm-up; k = 10, default ef");
        report.add("");
        report.add("| phase | clients | requests | errors | req/s | p50 ms | p99 ms | p99.9 ms |");
        report.add("|---|---|---|---|---|---|---|---|");

        Process server = ServerCrashTest.startServer(data);
        try {
            String url = ServerCrashTest.url(server);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            post(http, url + "/collections", "{\"name\":\"load\",\"dim\":" + base[0].length + ",\"metric\":\"l2\"}");
            long t0 = System.nanoTime();
            for (int start = 0; start < base.length; start += 500) {
                StringBuilder ids = new StringBuilder("[");
                StringBuilder vs = new StringBuilder("[");
                for (int i = start; i < Math.min(base.length, start + 500); i++) {
                    ids.append(i > start ? "," : "").append('"').append(i).append('"');
                    vs.append(i > start ? "," : "").append(HttpJson.toJson(HttpJson.list(base[i])));
                }
                post(http, url + "/collections/load/add_many", "{\"ids\":" + ids + "],\"vectors\":" + vs + "]}");
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            report.add(String.format(Locale.ROOT, "| add_many x500 (preload) | 1 | %d | 0 | %.0f vectors/s | - | - |"
                    + " - |", base.length, base.length / loadSeconds));

            String[] searchBodies = new String[queries.length];
            for (int i = 0; i < queries.length; i++) {
                searchBodies[i] = "{\"vector\":" + HttpJson.toJson(HttpJson.list(queries[i])) + ",\"k\":10}";
            }
            AtomicLong nextId = new AtomicLong();
            Random rnd = new Random(7);
            float[][] extra = new float[2000][];
            for (int i = 0; i < extra.length; i++) {
                extra[i] = base[rnd.nextInt(base.length)].clone();
                extra[i][rnd.nextInt(extra[i].length)] += 1;
            }
            IntFunction<HttpRequest> search = i -> request(url + "/collections/load/search",
                    searchBodies[i % searchBodies.length]);
            IntFunction<HttpRequest> add = i -> request(url + "/collections/load/add", "{\"id\":\"new-"
                    + nextId.incrementAndGet() + "\",\"vector\":" + HttpJson.toJson(HttpJson.list(extra[i
                    % extra.length])) + "}");
            IntFunction<HttpRequest> mixed = i -> i % 10 == 0
                    ? request(url + "/collections/load/upsert", "{\"id\":\"" + (i % base.length) + "\",\"vector\":"
                    + HttpJson.toJson(HttpJson.list(base[i % base.length])) + "}")
                    : search.apply(i);

            report.add(run("HTTP search", http, 1, seconds, search).row());
            report.add(run("HTTP search", http, clients, seconds, search).row());
            report.add(run("HTTP add (single)", http, clients, seconds, add).row());
            report.add(run("HTTP 90% search / 10% upsert", http, clients, seconds, mixed).row());
        } finally {
            server.destroy();
            server.waitFor();
        }
        // The same searches straight on the API, same clients and duration: the HTTP overhead ratio.
        try (Database db = Database.open(data.resolve("load"))) {
            report.add(runDirect(db, queries, 1, seconds).row());
            report.add(runDirect(db, queries, clients, seconds).row());
        }
        String text = String.join("\n", report) + "\n";
        System.out.println(text);
        Path out = Path.of("target", "server-load.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
    }

    private static HttpRequest request(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void post(HttpClient http, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(url, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Warm-up, then {@code seconds} of closed-loop requests from {@code clients} virtual threads. */
    private static Phase run(String name, HttpClient http, int clients, int seconds, IntFunction<HttpRequest> next)
            throws Exception {
        loop(http, clients, Math.max(2, seconds / 3), next);
        long start = System.nanoTime();
        List<long[]> lat = loop(http, clients, seconds, next);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return summarize(name, clients, elapsed, lat);
    }

    private static List<long[]> loop(HttpClient http, int clients, int seconds, IntFunction<HttpRequest> next)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong counter = new AtomicLong();
        List<long[]> out = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    long[] buf = new long[1 << 16];
                    int n = 0;
                    long errors = 0;
                    while (System.nanoTime() < end) {
                        HttpRequest r = next.apply((int) counter.getAndIncrement());
                        long t = System.nanoTime();
                        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
                        long d = System.nanoTime() - t;
                        if (resp.statusCode() != 200) {
                            errors++;
                        }
                        if (n + 2 >= buf.length) {
                            buf = Arrays.copyOf(buf, buf.length * 2);
                        }
                        buf[n++] = d;
                    }
                    long[] res = Arrays.copyOf(buf, n + 1);
                    res[n] = -errors - 1;  // last slot: the error count, encoded negative
                    return res;
                }));
            }
            for (Future<long[]> f : fs) {
                out.add(f.get());
            }
        }
        return out;
    }

    private static Phase summarize(String name, int clients, double seconds, List<long[]> perClient) {
        long errors = 0;
        int total = 0;
        for (long[] a : perClient) {
            errors += -a[a.length - 1] - 1;
            total += a.length - 1;
        }
        long[] all = new long[total];
        int pos = 0;
        for (long[] a : perClient) {
            System.arraycopy(a, 0, all, pos, a.length - 1);
            pos += a.length - 1;
        }
        return new Phase(name, clients, total, errors, seconds, all);
    }

    private static Phase runDirect(Database db, float[][] queries, int clients, int seconds) throws Exception {
        SearchParams params = SearchParams.k(10);
        for (int round = 0; round < 2; round++) {
            // A full-length warm-up: this JVM has not run the engine's search code yet (the server child has).
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            AtomicLong counter = new AtomicLong();
            long start = System.nanoTime();
            List<long[]> lat = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                List<Future<long[]>> fs = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    fs.add(pool.submit(() -> {
                        long[] buf = new long[1 << 16];
                        int n = 0;
                        while (System.nanoTime() < end) {
                            float[] q = queries[(int) (counter.getAndIncrement() % queries.length)];
                            long t = System.nanoTime();
                            db.search(q, params);
                            if (n + 2 >= buf.length) {
                                buf = Arrays.copyOf(buf, buf.length * 2);
                            }
                            buf[n++] = System.nanoTime() - t;
                        }
                        long[] res = Arrays.copyOf(buf, n + 1);
                        res[n] = -1;
                        return res;
                    }));
                }
                for (Future<long[]> f : fs) {
                    lat.add(f.get());
                }
            }
            if (round == 1) {
                return summarize("Database.search in-process (no HTTP)", clients,
                        (System.nanoTime() - start) / 1e9, lat);
            }
        }
        throw new AssertionError("unreachable");
    }

    private static Path datasetsRoot() {
        String override = System.getProperty("quiver.datasets", System.getenv("QUIVER_DATASETS"));
        if (override != null && !override.isEmpty()) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent.resolve("shared").resolve("datasets"))) {
                return parent.resolve("shared").resolve("datasets");
            }
        }
        return null;
    }

    private static float[][] fvecs(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<float[]> rows = new ArrayList<>();
        while (b.hasRemaining()) {
            float[] r = new float[b.getInt()];
            for (int i = 0; i < r.length; i++) {
                r[i] = b.getFloat();
            }
            rows.add(r);
        }
        return rows.toArray(new float[0][]);
    }

    private static float[][] gaussian(int n, int dim, long seed) {
        Random rnd = new Random(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int i = 0; i < dim; i++) {
                row[i] = (float) rnd.nextGaussian();
            }
        }
        return v;
    }

}
