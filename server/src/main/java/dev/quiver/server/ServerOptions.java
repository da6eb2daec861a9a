package dev.quiver.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the server runs. Defaults follow vctrs-server ({@code ./vctrs_data}-style data directory, port 8080, host
 * 127.0.0.1); the limits are Quiver's own.
 *
 * @param dataDir               the {@code Client} root: one sub-directory per collection
 * @param host                  address to bind; loopback by default, so nothing is exposed unless asked
 * @param port                  TCP port; 0 picks a free one (see {@link QuiverServer#port()})
 * @param apiKey                when non-null, every route but {@code /healthz} needs {@code Authorization: Bearer
 *                              <key>} or {@code X-API-Key: <key>}
 * @param corsOrigin            when non-null, the {@code Access-Control-Allow-Origin} answered (CORS is off otherwise)
 * @param maxBodyBytes          largest request body for every route but import (413 above it)
 * @param maxImportBytes        largest import document (streamed to a temporary file, never held in memory)
 * @param maxConcurrentRequests requests executed at once; more wait in the queue
 * @param maxQueuedRequests     requests allowed to wait; beyond that the server answers 503 at once
 */
public record ServerOptions(Path dataDir, String host, int port, String apiKey, String corsOrigin, long maxBodyBytes,
                            long maxImportBytes, int maxConcurrentRequests, int maxQueuedRequests) {

    public static final String DEFAULT_DATA_DIR = "./quiver_data";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 32L << 20;
    public static final long DEFAULT_MAX_IMPORT_BYTES = 8L << 30;
    public static final int DEFAULT_MAX_CONCURRENT = 64;
    public static final int DEFAULT_MAX_QUEUED = 1024;

    public ServerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            throw new IllegalArgumentException("api key must not be empty");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("max body bytes must be positive, got " + maxBodyBytes);
        }
        if (maxImportBytes < 1) {
            throw new IllegalArgumentException("max import bytes must be positive, got " + maxImportBytes);
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("max concurrent requests must be positive, got "
                    + maxConcurrentRequests);
        }
        if (maxQueuedRequests < 0) {
            throw new IllegalArgumentException("max queued requests must not be negative, got " + maxQueuedRequests);
        }
    }

    /** Every setting at its default, serving {@code dataDir}. */
    public static ServerOptions defaults(Path dataDir) {
        return new ServerOptions(dataDir, DEFAULT_HOST, DEFAULT_PORT, null, null, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_IMPORT_BYTES, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_QUEUED);
    }

    public ServerOptions dataDir(Path dataDir) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions host(String host) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions port(int port) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions apiKey(String apiKey) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions corsOrigin(String corsOrigin) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions maxBodyBytes(long maxBodyBytes) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions maxImportBytes(long maxImportBytes) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions maxConcurrentRequests(int maxConcurrentRequests) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }

    public ServerOptions maxQueuedRequests(int maxQueuedRequests) {
        return new ServerOptions(dataDir, host, port, apiKey, corsOrigin, maxBodyBytes, maxImportBytes,
                maxConcurrentRequests, maxQueuedRequests);
    }
}
