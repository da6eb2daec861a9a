package dev.quiver.server;

import dev.quiver.Client;
import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.DatabaseFailedException;

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

    /**
     * Closes the handle of {@code name} if it has failed ({@link DatabaseFailedException}: a log I/O error, say), so
     * the next request opens the collection again. The reopen replays the log, so every acknowledged write is back,
     * and serves again once the cause (a full disk, a lost device) is gone; a kept failed handle would answer 500
     * until the server restarted. A handle that answers was already reopened by another request and is kept.
     */
    void closeFailed(String name) {
        Database db = open.get(name);
        if (db == null) {
            return;
        }
        try {
            db.size(); // every call on a failed database but close throws DatabaseFailedException
        } catch (DatabaseFailedException failed) {
            open.remove(name, db);
            db.close(); // releases the lock and the mappings without saving
        } catch (RuntimeException closedMeanwhile) {
            open.remove(name, db);
        }
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
