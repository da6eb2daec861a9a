package dev.quiver.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.quiver.server.HttpJson.floats;
import static dev.quiver.server.HttpJson.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a server process while clients write, then a restart on the same data: every write the server
 * acknowledged is there. A write in flight at the kill may or may not be; it is allowed either way.
 */
class ServerCrashTest {

    static final int DIM = 7;
    static final int WRITERS = 4;

    @TempDir
    Path data;

    /** What a writer knows about one id: its acknowledged state, and a state sent but never acknowledged. */
    record Known(float[] acked, float[] inFlight) { }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        long seed = Long.getLong("quiver.seed", System.nanoTime());
        String why = "seed " + seed;
        Map<String, Known> model = new ConcurrentHashMap<>();
        Process first = startServer(data);
        try {
            HttpJson http = new HttpJson(url(first));
            assertEquals(200, http.post("/collections", Map.of("name", "crash", "dim", DIM, "metric", "l2"))
                    .status());
            AtomicBoolean stop = new AtomicBoolean();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> write(new HttpJson(url(first)), writer,
                            new Random(seed + writer), model, stop)));
                }
                // Let the writers get going, then kill the server under them.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (model.size() < 400 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                first.destroyForcibly();  // SIGKILL: no shutdown hook, no save
                first.waitFor(30, TimeUnit.SECONDS);
                stop.set(true);
                int acked = 0;
                for (Future<Integer> f : writers) {
                    acked += f.get(60, TimeUnit.SECONDS);
                }
                assertTrue(acked >= 400, why + ": only " + acked + " writes acknowledged before the kill");
            }
        } finally {
            first.destroyForcibly();
        }

        Process second = startServer(data);
        try {
            HttpJson http = new HttpJson(url(second));
            long surely = model.values().stream().filter(k -> k.acked() != null && k.inFlight() == null).count();
            long count = (Long) http.get("/collections/crash/count").object().get("count");
            assertTrue(count >= surely && count <= model.size(), why + ": count " + count + " outside ["
                    + surely + ", " + model.size() + "]");
            model.forEach((id, k) -> {
                HttpJson.Reply r = http.get("/collections/crash/get/" + id);
                if (k.inFlight() == null) {
                    assertEquals(200, r.status(), why + ": acknowledged id " + id + " lost: " + r);
                    assertArrayEquals(k.acked(), floats(r.object().get("vector")), why + " id " + id);
                } else if (r.status() == 200) {
                    float[] got = floats(r.object().get("vector"));
                    assertTrue(java.util.Arrays.equals(got, k.inFlight())
                            || k.acked() != null && java.util.Arrays.equals(got, k.acked()),
                            why + ": id " + id + " holds neither its acknowledged nor its in-flight vector");
                } else {
                    assertEquals(null, k.acked(), why + ": acknowledged id " + id + " lost: " + r);
                }
            });
            // The recovered collection keeps taking writes.
            assertEquals(200, http.post("/collections/crash/add", Map.of("id", "after", "vector",
                    list(new float[DIM]))).status());
        } finally {
            second.destroy();  // SIGTERM: the shutdown hook saves
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "server stops on SIGTERM");
        }
    }

    /** Adds and upserts owned ids until the server dies; returns how many writes were acknowledged. */
    private static int write(HttpJson http, int writer, Random rnd, Map<String, Known> model, AtomicBoolean stop) {
        int acked = 0;
        List<String> mine = new ArrayList<>();
        for (int op = 0; !stop.get(); op++) {
            boolean upsert = !mine.isEmpty() && rnd.nextInt(4) == 0;
            String id = upsert ? mine.get(rnd.nextInt(mine.size())) : "w" + writer + "-" + op;
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            Known before = model.get(id);
            float[] ackedBefore = before == null ? null : before.acked();
            model.put(id, new Known(ackedBefore, v));
            HttpJson.Reply r;
            try {
                r = http.post("/collections/crash/" + (upsert ? "upsert" : "add"), Map.of("id", id,
                        "vector", list(v)));
            } catch (UncheckedIOException e) {
                return acked;  // the server is gone; this write stays in flight
            }
            assertEquals(200, r.status(), r.toString());
            model.put(id, new Known(v, null));
            if (!upsert) {
                mine.add(id);
            }
            acked++;
        }
        return acked;
    }

    static Process startServer(Path data) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "--data", data.toString(), "--port", "0");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return p;
    }

    private static final Map<Process, String> URLS = new ConcurrentHashMap<>();

    /** The URL the child printed ({@code listening on http://...}); read once per process. */
    static String url(Process p) {
        return URLS.computeIfAbsent(p, proc -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("listening on ")) {
                        return line.substring("listening on ".length()).trim();
                    }
                }
                throw new IllegalStateException("server process exited before listening");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
