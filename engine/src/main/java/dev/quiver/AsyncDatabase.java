package dev.quiver;

import dev.quiver.internal.db.InputChecks;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * A {@link Database} whose operations return futures, run on an executor (one virtual thread per operation by
 * default), so callers on event loops never block on I/O, a force or a batch build.
 *
 * <pre>{@code
 * AsyncDatabase adb = AsyncDatabase.open(path, cfg).join();
 * CompletableFuture<List<SearchResult>> f = adb.search(query, 10);
 * }</pre>
 *
 * Failures complete the future exceptionally with the same exceptions {@link Database} throws. Operations submitted
 * concurrently run concurrently, with the database's own guarantees (writes serialized, searches parallel); there is
 * no ordering between two futures unless the caller chains them.
 */
public final class AsyncDatabase implements AutoCloseable {

    private final Database db;
    private final Executor executor;
    /** The default executor, owned (and shut down) by this instance; null for a caller's executor. */
    private final ExecutorService ownedExecutor;

    private AsyncDatabase(Database db, Executor executor, ExecutorService ownedExecutor) {
        this.db = db;
        this.executor = executor;
        this.ownedExecutor = ownedExecutor;
    }

    /** Opens an existing database off the caller's thread (recovery included). */
    public static CompletableFuture<AsyncDatabase> open(Path path) {
        ExecutorService owned = Executors.newVirtualThreadPerTaskExecutor();
        return opening(() -> Database.open(path), owned, owned);
    }

    /** Opens or creates a database off the caller's thread, on virtual threads. */
    public static CompletableFuture<AsyncDatabase> open(Path path, Config config) {
        ExecutorService owned = Executors.newVirtualThreadPerTaskExecutor();
        return opening(() -> Database.open(path, config), owned, owned);
    }

    /** Opens or creates a database on {@code executor}, which also runs every operation (the caller owns it). */
    public static CompletableFuture<AsyncDatabase> open(Path path, Config config, Executor executor) {
        InputChecks.notNull(executor, "executor");
        return opening(() -> Database.open(path, config), executor, null);
    }

    /** Wraps an open database; operations run on {@code executor}. Closing the wrapper closes the database. */
    public static AsyncDatabase wrap(Database db, Executor executor) {
        return new AsyncDatabase(InputChecks.notNull(db, "db"), InputChecks.notNull(executor, "executor"), null);
    }

    private static CompletableFuture<AsyncDatabase> opening(Supplier<Database> open, Executor executor,
                                                            ExecutorService owned) {
        CompletableFuture<AsyncDatabase> f = new CompletableFuture<>();
        Runnable task = () -> {
            if (f.isDone()) {
                return; // cancelled (or timed out) before the open began: nothing to open
            }
            AsyncDatabase adb;
            try {
                adb = new AsyncDatabase(open.get(), executor, owned);
            } catch (Throwable e) {
                f.completeExceptionally(e);
                return;
            }
            if (!f.complete(adb)) {
                // The caller gave up on the future while the database opened (a cancel, orTimeout): no one will
                // ever close it, so it is closed here, releasing its directory lock.
                adb.database().close();
            }
        };
        try {
            executor.execute(task);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        if (owned != null) {
            f.whenComplete((adb, e) -> {
                if (e != null) {
                    owned.shutdown();
                }
            });
        }
        return f;
    }

    /** The synchronous database underneath. */
    public Database database() {
        return db;
    }

    private <T> CompletableFuture<T> submit(Supplier<T> op) {
        try {
            return CompletableFuture.supplyAsync(op, executor);
        } catch (RejectedExecutionException e) {
            if (!db.isClosed()) {
                throw e;
            }
            // close() shut the owned executor down. On a closed database every operation answers at once (with
            // ClosedDatabaseException, or as a no-op for close), so it runs here and its future fails as documented.
            return CompletableFuture.supplyAsync(op, Runnable::run);
        }
    }

    private CompletableFuture<Void> run(Runnable op) {
        return submit(() -> {
            op.run();
            return null;
        });
    }

    // Writes

    public CompletableFuture<Void> add(String id, float[] vector) {
        return run(() -> db.add(id, vector));
    }

    public CompletableFuture<Void> add(String id, float[] vector, Map<String, ?> metadata) {
        return run(() -> db.add(id, vector, metadata));
    }

    public CompletableFuture<Void> upsert(String id, float[] vector) {
        return run(() -> db.upsert(id, vector));
    }

    public CompletableFuture<Void> upsert(String id, float[] vector, Map<String, ?> metadata) {
        return run(() -> db.upsert(id, vector, metadata));
    }

    public CompletableFuture<Void> addMany(List<String> ids, float[][] vectors) {
        return run(() -> db.addMany(ids, vectors));
    }

    public CompletableFuture<Void> addMany(List<String> ids, float[][] vectors,
                                           List<? extends Map<String, ?>> metadatas) {
        return run(() -> db.addMany(ids, vectors, metadatas));
    }

    public CompletableFuture<Void> upsertMany(List<String> ids, float[][] vectors) {
        return run(() -> db.upsertMany(ids, vectors));
    }

    public CompletableFuture<Void> upsertMany(List<String> ids, float[][] vectors,
                                              List<? extends Map<String, ?>> metadatas) {
        return run(() -> db.upsertMany(ids, vectors, metadatas));
    }

    public CompletableFuture<Void> update(String id, float[] vectorOrNull, Map<String, ?> metadataOrNull) {
        return run(() -> db.update(id, vectorOrNull, metadataOrNull));
    }

    public CompletableFuture<Boolean> delete(String id) {
        return submit(() -> db.delete(id));
    }

    public CompletableFuture<Integer> deleteMany(Collection<String> ids) {
        return submit(() -> db.deleteMany(ids));
    }

    // Reads

    public CompletableFuture<List<SearchResult>> search(float[] query, int k) {
        return submit(() -> db.search(query, k));
    }

    public CompletableFuture<List<SearchResult>> search(float[] query, SearchParams params) {
        return submit(() -> db.search(query, params));
    }

    public CompletableFuture<List<List<SearchResult>>> searchMany(float[][] queries, int k) {
        return submit(() -> db.searchMany(queries, k));
    }

    public CompletableFuture<List<List<SearchResult>>> searchMany(float[][] queries, SearchParams params) {
        return submit(() -> db.searchMany(queries, params));
    }

    public CompletableFuture<VectorRecord> get(String id) {
        return submit(() -> db.get(id));
    }

    public CompletableFuture<Optional<VectorRecord>> find(String id) {
        return submit(() -> db.find(id));
    }

    public CompletableFuture<Boolean> contains(String id) {
        return submit(() -> db.contains(id));
    }

    public CompletableFuture<Long> count() {
        return submit(db::count);
    }

    public CompletableFuture<Long> count(Filter filter) {
        return submit(() -> db.count(filter));
    }

    public CompletableFuture<List<String>> ids() {
        return submit(db::ids);
    }

    public CompletableFuture<Integer> size() {
        return submit(db::size);
    }

    public CompletableFuture<Stats> stats() {
        return submit(db::stats);
    }

    public CompletableFuture<Integer> deletedCount() {
        return submit(db::deletedCount);
    }

    public CompletableFuture<Integer> totalSlots() {
        return submit(db::totalSlots);
    }

    public CompletableFuture<Boolean> quantizedSearch() {
        return submit(db::quantizedSearch);
    }

    /** Fixed at creation; no I/O, so answered directly. */
    public int dim() {
        return db.dim();
    }

    /** Fixed at creation; no I/O, so answered directly. */
    public Metric metric() {
        return db.metric();
    }

    // Maintenance

    public CompletableFuture<Void> save() {
        return run(db::save);
    }

    public CompletableFuture<Void> compact() {
        return run(db::compact);
    }

    public CompletableFuture<Void> enableQuantizedSearch() {
        return run(db::enableQuantizedSearch);
    }

    public CompletableFuture<Void> disableQuantizedSearch() {
        return run(db::disableQuantizedSearch);
    }

    public CompletableFuture<Void> exportJson(Path file, boolean pretty) {
        return run(() -> db.exportJson(file, pretty));
    }

    public CompletableFuture<Void> importJson(Path file) {
        return run(() -> db.importJson(file));
    }

    /** Closes (saves) the database off the caller's thread; the default executor is shut down afterwards. */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> f = run(db::close);
        if (ownedExecutor != null) {
            f = f.whenComplete((v, e) -> ownedExecutor.shutdown());
        }
        return f;
    }

    /** Closes (saves) the database, waiting for it; idempotent. */
    @Override
    public void close() {
        try {
            db.close();
        } finally {
            if (ownedExecutor != null) {
                ownedExecutor.shutdown();
            }
        }
    }
}
