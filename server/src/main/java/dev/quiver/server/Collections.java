package dev.quiver.server;

import dev.quiver.Client;
import dev.quiver.Config;
import dev.quiver.Database;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's collections: a {@link Client} over the data directory, with a lock-free cache of open handles in front
 * of it so a request on an open collection does not queue on the client's monitor. Collections open lazily on first
 * use and stay open until deleted or the server stops (close saves them).
 */
final class Collections implements AutoCloseable {

    private final Client client;
    private final ConcurrentHashMap<String, Database> open = new ConcurrentHashMap<>();

    Collections(Client client) {
        this.client = client;
    }

    /** The open handle of {@code name}, opening it when needed ({@code DatabaseNotFoundException} when absent). */
    Database get(String name) {
        Database db = open.get(name);
        if (db != null && !db.isClosed()) {
            return db;
        }
        db = client.getCollection(name);
        open.put(name, db);
        return db;
    }

    Database create(String name, Config config) {
        Database db = client.createCollection(name, config);
        open.put(name, db);
        return db;
    }

    boolean delete(String name) {
        open.remove(name);
        return client.deleteCollection(name);
    }

    List<String> names() {
        return client.listCollections();
    }

    /** The handles open now, for metrics. */
    Map<String, Database> openHandles() {
        return Map.copyOf(open);
    }

    /** Closes (and so saves) every collection. */
    @Override
    public void close() {
        open.clear();
        client.close();
    }
}
