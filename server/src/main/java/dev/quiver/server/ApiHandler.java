package dev.quiver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The one handler behind every path: CORS, routing, the API key, admission to a bounded number of executing requests
 * with a bounded queue, dispatch, JSON errors for every failure (malformed bodies included), and metrics.
 */
final class ApiHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS",
            "PATCH");

    private final ServerOptions options;
    private final Collections collections;
    private final ServerMetrics metrics;
    private final RecordHandlers records;
    private final CollectionHandlers admin;
    private final Semaphore executing;
    private final byte[] apiKeyDigest;

    ApiHandler(ServerOptions options, Collections collections, ServerMetrics metrics) {
        this.options = options;
        this.collections = collections;
        this.metrics = metrics;
        this.records = new RecordHandlers(collections, options.maxBodyBytes());
        this.admin = new CollectionHandlers(collections, options.dataDir().resolve(".quiver-tmp"),
                options.maxBodyBytes(), options.maxImportBytes());
        this.executing = new Semaphore(options.maxConcurrentRequests());
        metrics.executing(() -> options.maxConcurrentRequests() - executing.availablePermits());
        this.apiKeyDigest = options.apiKey() == null ? null : sha256(options.apiKey());
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        HttpCall call = new HttpCall(exchange);
        String label = Route.UNMATCHED;
        String collection = null;
        boolean admitted = false;
        metrics.started();
        try {
            if (options.corsOrigin() != null) {
                call.setHeader("Access-Control-Allow-Origin", options.corsOrigin());
                call.setHeader("Vary", "Origin");
                if ("OPTIONS".equals(call.method())) {
                    preflight(call);
                    return;
                }
            }
            // The key is checked before routing, so a caller without it learns nothing about which paths exist.
            boolean healthz = call.segments().equals(java.util.List.of("healthz"));
            if (!healthz) {
                authorize(call);
            }
            Route.Match match = Route.match(call.method(), call.segments());
            label = match.route().template;
            collection = match.name();
            Route route = match.route();
            if (route != Route.HEALTHZ && route != Route.METRICS) {
                admit();
                admitted = true;
            }
            dispatch(match, call);
        } catch (Throwable t) {
            ApiException e = ErrorMapping.of(t);
            if (e.status() >= 500 && e.status() != 503 && collection != null) {
                // A storage error may have failed the database (the first failing call gets the I/O error, later
                // ones DatabaseFailedException): a failed handle is closed so the next request reopens it.
                collections.closeFailed(collection);
            }
            if (e.status() >= 500 && e.status() != 503) {
                LOG.log(System.Logger.Level.WARNING, "request " + call.method() + " " + exchange.getRequestURI()
                        + " failed", t);
            }
            if (!call.responded()) {
                try {
                    call.error(e);
                } catch (IOException ignored) {
                    // the client is gone
                }
            }
        } finally {
            if (admitted) {
                executing.release();
            }
            String method = KNOWN_METHODS.contains(call.method()) ? call.method() : "other";
            metrics.finished(label, method, call.status(), System.nanoTime() - start);
            call.close();
        }
    }

    private void dispatch(Route.Match m, HttpCall call) throws IOException {
        switch (m.route()) {
            case HEALTHZ -> call.json(200, Map.of("status", "ok"));
            case METRICS -> call.send(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.render(collections.openHandles()).getBytes(StandardCharsets.UTF_8));
            case ADD, UPSERT, ADD_MANY, UPSERT_MANY, UPDATE, DELETE_MANY, DELETE, GET, SEARCH, SEARCH_MANY ->
                    records.handle(m, call);
            default -> admin.handle(m, call);
        }
    }

    /**
     * Waits for an execution slot; answers 503 at once when {@code maxQueuedRequests} already wait, so a flood is
     * refused in constant time instead of piling up virtual threads and memory.
     */
    private void admit() throws InterruptedException {
        if (executing.tryAcquire()) {
            return;
        }
        if (metrics.queued().incrementAndGet() > options.maxQueuedRequests()) {
            metrics.queued().decrementAndGet();
            metrics.rejected("overloaded");
            throw new ApiException(503, "overloaded", "server is busy: " + options.maxConcurrentRequests()
                    + " requests executing and " + options.maxQueuedRequests() + " queued; retry later");
        }
        try {
            executing.acquire();
        } finally {
            metrics.queued().decrementAndGet();
        }
    }

    /** Bearer token or X-API-Key, compared through SHA-256 digests in constant time (no length or prefix leak). */
    private void authorize(HttpCall call) {
        if (apiKeyDigest == null) {
            return;
        }
        String given = call.header("X-API-Key");
        String auth = call.header("Authorization");
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).trim();
        }
        if (given == null || !MessageDigest.isEqual(apiKeyDigest, sha256(given))) {
            metrics.rejected("unauthorized");
            call.setHeader("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", given == null
                    ? "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
                    : "invalid API key");
        }
    }

    private void preflight(HttpCall call) throws IOException {
        Set<String> methods = Route.methodsFor(call.segments());
        if (methods.isEmpty()) {
            throw new ApiException(404, "route_not_found", "no route for /" + String.join("/", call.segments()));
        }
        call.setHeader("Access-Control-Allow-Methods", String.join(", ", methods));
        call.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, X-API-Key");
        call.setHeader("Access-Control-Max-Age", "600");
        call.send(204, "text/plain", new byte[0]);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
