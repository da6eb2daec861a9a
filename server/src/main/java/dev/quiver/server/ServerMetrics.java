package dev.quiver.server;

import dev.quiver.Database;
import dev.quiver.Stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters, a latency histogram per route and per-collection gauges, rendered in the Prometheus text format
 * (version 0.0.4). Routes are labelled by their template ({@code /collections/{name}/search}), never by the raw path,
 * so the label set stays bounded whatever clients send.
 */
final class ServerMetrics {

    /** Histogram upper bounds in seconds: 100 us to 10 s, the range between a cached search and a large import. */
    static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1, 2.5, 5, 10};

    /** Bucket bounds as label text, plain decimals ({@code 0.0001}, not {@code 1.0E-4}). */
    private static final String[] LE = java.util.Arrays.stream(BUCKETS)
            .mapToObj(b -> java.math.BigDecimal.valueOf(b).stripTrailingZeros().toPlainString())
            .toArray(String[]::new);

    private record RequestKey(String route, String method, int status) { }

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    private final ConcurrentHashMap<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final long startNanos = System.nanoTime();

    void started() {
        inFlight.incrementAndGet();
    }

    void finished(String route, String method, int status, long nanos) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(new RequestKey(route, method, status), k -> new LongAdder()).increment();
        latency.computeIfAbsent(route, k -> new Histogram()).observe(nanos / 1e9);
    }

    void rejected(String reason) {
        rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    AtomicInteger queued() {
        return queued;
    }

    /** Requests holding an execution slot now (healthz and metrics never take one). */
    private java.util.function.IntSupplier executing = () -> 0;

    void executing(java.util.function.IntSupplier executing) {
        this.executing = executing;
    }

    String render(Map<String, Database> collections) {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP quiver_http_requests_total HTTP requests answered, by route template, method and status.\n");
        out.append("# TYPE quiver_http_requests_total counter\n");
        new TreeMap<String, Long>(sortedRequests()).forEach((labels, n) ->
                out.append("quiver_http_requests_total{").append(labels).append("} ").append(n).append('\n'));

        out.append("# HELP quiver_http_request_duration_seconds Time from routing to the last byte written.\n");
        out.append("# TYPE quiver_http_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((route, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                out.append("quiver_http_request_duration_seconds_bucket{route=\"").append(escape(route))
                        .append("\",le=\"").append(LE[i]).append("\"} ").append(cumulative).append('\n');
            }
            long count = h.count.sum();
            out.append("quiver_http_request_duration_seconds_bucket{route=\"").append(escape(route))
                    .append("\",le=\"+Inf\"} ").append(count).append('\n');
            out.append("quiver_http_request_duration_seconds_sum{route=\"").append(escape(route)).append("\"} ")
                    .append(h.sum.sum()).append('\n');
            out.append("quiver_http_request_duration_seconds_count{route=\"").append(escape(route)).append("\"} ")
                    .append(count).append('\n');
        });

        gauge(out, "quiver_http_requests_in_flight", "Requests being executed now.", inFlight.get());
        gauge(out, "quiver_http_requests_executing", "Requests holding an execution slot.", executing.getAsInt());
        gauge(out, "quiver_http_requests_queued", "Requests waiting for an execution slot.", queued.get());
        out.append("# HELP quiver_http_requests_rejected_total Requests refused before execution, by reason.\n");
        out.append("# TYPE quiver_http_requests_rejected_total counter\n");
        new TreeMap<>(rejected).forEach((reason, n) -> out.append("quiver_http_requests_rejected_total{reason=\"")
                .append(escape(reason)).append("\"} ").append(n.sum()).append('\n'));
        gauge(out, "quiver_uptime_seconds", "Seconds since the server started.",
                (System.nanoTime() - startNanos) / 1e9);
        gauge(out, "quiver_collections_open", "Collections open in this server.", collections.size());

        Map<String, Stats> stats = new TreeMap<>();
        collections.forEach((name, db) -> {
            try {
                stats.put(name, db.stats());
            } catch (RuntimeException e) {
                // closed or deleted between listing and reading: leave it out of this scrape
            }
        });
        collectionGauge(out, stats, "quiver_collection_records", "Live records per open collection.",
                s -> s.numVectors());
        collectionGauge(out, stats, "quiver_collection_deleted_slots", "Tombstoned slots awaiting compaction.",
                s -> s.numDeleted());
        collectionGauge(out, stats, "quiver_collection_wal_bytes", "Write-ahead log size.", s -> s.walBytes());
        collectionGauge(out, stats, "quiver_collection_memory_bytes",
                "Vector, graph and SQ8 code bytes.", s -> s.memoryVectorsBytes() + s.memoryGraphBytes()
                        + s.memoryQuantizedBytes());
        collectionGauge(out, stats, "quiver_collection_generation", "Last saved generation.", s -> s.generation());
        return out.toString();
    }

    private Map<String, Long> sortedRequests() {
        Map<String, Long> m = new TreeMap<>();
        requests.forEach((k, n) -> m.put("route=\"" + escape(k.route()) + "\",method=\"" + k.method()
                + "\",status=\"" + k.status() + "\"", n.sum()));
        return m;
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value == Math.rint(value) ? Long.toString((long) value)
                : Double.toString(value)).append('\n');
    }

    private static void collectionGauge(StringBuilder out, Map<String, Stats> stats, String name, String help,
                                        java.util.function.ToLongFunction<Stats> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        stats.forEach((collection, s) -> out.append(name).append("{collection=\"").append(escape(collection))
                .append("\"} ").append(value.applyAsLong(s)).append('\n'));
    }

    /** Label values escape backslash, double quote and newline. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
