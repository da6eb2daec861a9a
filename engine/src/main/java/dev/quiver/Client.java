package dev.quiver;

import dev.quiver.internal.db.CollectionNames;
import dev.quiver.internal.db.StorageDatabaseFiles;
import dev.quiver.internal.db.InputChecks;
import dev.quiver.internal.db.StorageErrors;
import dev.quiver.storage.DirectoryLock;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Named collections under one root directory: collection {@code name} is the database in {@code root/name}.
 *
 * <pre>{@code
 * try (Client client = new Client(Path.of("/data/vectors"))) {
 *     Database movies = client.createCollection("movies", 384);
 *     List<String> names = client.listCollections();
 * }
 * }</pre>
 *
 * Names follow vctrs's rules ({@link InvalidCollectionNameException} with its messages): not empty, no path
 * separators, not {@code .} or {@code ..}, only letters, digits, {@code -} and {@code _}.
 *
 * <p>A directory can be open once per process (the directory lock), so the client keeps one handle per collection
 * and hands it out again from {@link #getCollection}; a handle the caller closed is reopened on the next request.
 * {@link #close()} closes (and so saves) every handle it opened. Thread-safe.
 */
public final class Client implements AutoCloseable {

    private final Path root;
    private final Map<String, Database> open = new HashMap<>();
    private boolean closed;

    /** A client over {@code root}, created (with parents) when absent. */
    public Client(Path root) {
        this.root = InputChecks.notNull(root, "root");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StorageException("io error: cannot create collection root '" + root + "': " + e, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Creates collection {@code name} with the default configuration and dimension {@code dim}. */
    public Database createCollection(String name, int dim) {
        return createCollection(name, Config.dim(dim));
    }

    public Database createCollection(String name, int dim, Metric metric) {
        return createCollection(name, Config.dim(dim).metric(metric));
    }

    /**
     * Creates a collection.
     *
     * @throws CollectionExistsException {@code collection 'x' already exists}, when {@code root/name} exists at all
     */
    public synchronized Database createCollection(String name, Config config) {
        ensureOpen();
        CollectionNames.check(name);
        InputChecks.notNull(config, "config");
        Path dir = root.resolve(name);
        if (Files.exists(dir)) {
            throw new CollectionExistsException("collection '" + name + "' already exists");
        }
        Database db = Database.open(dir, config);
        open.put(name, db);
        return db;
    }

    /**
     * The existing collection {@code name}.
     *
     * @throws DatabaseNotFoundException {@code database not found at '<root>/<name>'}
     */
    public synchronized Database getCollection(String name) {
        ensureOpen();
        CollectionNames.check(name);
        Database db = open.get(name);
        if (db != null && !db.isClosed()) {
            return db;
        }
        db = Database.open(root.resolve(name));
        open.put(name, db);
        return db;
    }

    public Database getOrCreateCollection(String name, int dim) {
        return getOrCreateCollection(name, dim, Metric.COSINE);
    }

    /**
     * The collection {@code name}, created with {@code dim} and {@code metric} when absent. An existing one must have
     * that dimension and metric (DEPARTURES.md D7).
     */
    public Database getOrCreateCollection(String name, int dim, Metric metric) {
        InputChecks.notNull(metric, "metric");
        return getOrCreateCollection(name, Config.dim(dim).metric(metric));
    }

    /**
     * The collection {@code name}, created with {@code config} when absent, else opened with it: its dimension and
     * metric must match the stored ones (DEPARTURES.md D7), and its session settings (durability, ...) apply to this
     * handle. A handle this client already holds is returned as it is, after the same dimension and metric check.
     */
    public synchronized Database getOrCreateCollection(String name, Config config) {
        ensureOpen();
        CollectionNames.check(name);
        InputChecks.notNull(config, "config");
        int dim = config.dim();
        Metric metric = config.metric();
        Database db = open.get(name);
        if (db != null && !db.isClosed()) {
            if (db.dim() != dim) {
                throw new DimensionMismatchException("dimension mismatch: collection '" + name + "' has dim "
                        + db.dim() + ", asked for " + dim);
            }
            if (db.metric() != metric) {
                throw new InvalidArgumentException("metric mismatch: collection '" + name + "' uses "
                        + db.metric().canonicalName() + ", asked for " + metric.canonicalName());
            }
            return db;
        }
        db = Database.open(root.resolve(name), config);
        open.put(name, db);
        return db;
    }

    /**
     * Deletes collection {@code name}: closes this client's handle on it first, then takes the collection's directory
     * lock and removes its files, so a database open elsewhere (another handle in this process, another process) is
     * never deleted underneath its owner.
     *
     * @return false when {@code root/name} does not exist
     * @throws DatabaseLockedException when the collection is open elsewhere; nothing is deleted then
     */
    @SuppressWarnings("try") // the lock is held by the try block, not used in it
    public synchronized boolean deleteCollection(String name) {
        ensureOpen();
        CollectionNames.check(name);
        Database db = open.remove(name);
        if (db != null) {
            db.close();
        }
        Path dir = root.resolve(name);
        if (!Files.exists(dir)) {
            return false;
        }
        if (!Files.isDirectory(dir)) {
            throw new StorageException("io error: cannot delete collection '" + name + "': '" + dir
                    + "' is not a directory");
        }
        Path lockFile = dir.resolve(DirectoryLock.FILE_NAME);
        try (DirectoryLock lock = StorageErrors.call(() -> DirectoryLock.acquire(dir))) {
            // Held: no one else can open it until the files are gone. The lock file goes last, still locked.
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    if (!p.equals(lockFile)) {
                        deleteTree(p);
                    }
                }
            }
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            throw new StorageException("io error: cannot delete collection '" + name + "': " + e, e);
        }
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Created again by another opener right after the lock was released: that is a new collection.
        } catch (IOException e) {
            throw new StorageException("io error: cannot delete collection '" + name + "': " + e, e);
        }
        return true;
    }

    private static void deleteTree(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Names of the collections, sorted: sub-directories holding a saved manifest or a write-ahead log (so a created
     * collection is listed before its first save).
     */
    public synchronized List<String> listCollections() {
        ensureOpen();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                if (StorageDatabaseFiles.holdsDatabase(dir)) {
                    names.add(dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new StorageException("io error: cannot list collections in '" + root + "': " + e, e);
        }
        // Byte-wise UTF-8 order, as vctrs sorts.
        names.sort(java.util.Comparator.comparing(n -> n.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.util.Arrays::compareUnsigned));
        return names;
    }

    /** Closes (and so saves) every collection handle this client opened. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Database db : open.values()) {
            try {
                db.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedDatabaseException("client of '" + root + "' is closed");
        }
    }
}
