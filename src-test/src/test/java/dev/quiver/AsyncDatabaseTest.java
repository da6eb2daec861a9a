package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncDatabaseTest {

    @TempDir
    Path tmp;

    @Test
    void operationsCompleteAsFutures() {
        try (AsyncDatabase adb = AsyncDatabase.open(tmp.resolve("db"), Config.dim(2)).join()) {
            List<CompletableFuture<Void>> adds = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                adds.add(adb.add("v" + i, new float[] {1, i}, Map.of("i", i)));
            }
            CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).join();
            assertEquals(50, adb.size().join());
            assertEquals("v0", adb.search(new float[] {1, 0}, 1).join().getFirst().id());
            assertEquals(10L, adb.count(Filter.lt("i", 10)).join());
            assertTrue(adb.delete("v0").join());
            assertEquals(2, adb.deleteMany(List.of("v1", "v2")).join());
            adb.update("v3", null, Map.of("x", 1)).join();
            assertEquals(Map.of("x", 1L), adb.get("v3").join().metadata());
            adb.save().thenCompose(v -> adb.compact()).join();
            assertEquals(0, adb.deletedCount().join());
            assertEquals(2, adb.dim());
        }
        try (Database db = Database.open(tmp.resolve("db"))) {
            assertEquals(47, db.size());
        }
    }

    @Test
    void openRunsOffTheCallersThreadAndFailuresCompleteExceptionally() {
        AtomicReference<Thread> ran = new AtomicReference<>();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "async-test");
            ran.set(t);
            return t;
        });
        try {
            try (AsyncDatabase adb = AsyncDatabase.open(tmp.resolve("db"), Config.dim(3), ex).join()) {
                assertNotEquals(Thread.currentThread(), ran.get());
                CompletionException e = assertThrows(CompletionException.class,
                        () -> adb.add("x", new float[] {1, 2}).join());
                assertInstanceOf(DimensionMismatchException.class, e.getCause());
                assertThrows(CompletionException.class, () -> adb.get("missing").join());
            }
            CompletionException e = assertThrows(CompletionException.class,
                    () -> AsyncDatabase.open(tmp.resolve("missing")).join());
            assertInstanceOf(DatabaseNotFoundException.class, e.getCause());
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void operationsOnAClosedDatabaseCompleteExceptionallyWithClosed() {
        AsyncDatabase adb = AsyncDatabase.open(tmp.resolve("db"), Config.dim(2)).join();
        adb.add("a", new float[] {1, 0}).join();
        adb.close();
        // The owned executor is shut down by close: an operation must still answer with a future that fails with
        // the exception Database throws (ClosedDatabaseException), not throw RejectedExecutionException at the call.
        List<java.util.function.Supplier<CompletableFuture<?>>> calls = List.of(
                () -> adb.search(new float[] {1, 0}, 1), () -> adb.add("b", new float[] {0, 1}),
                () -> adb.get("a"), adb::size, adb::save);
        for (var call : calls) {
            CompletableFuture<?> f = call.get();
            CompletionException e = assertThrows(CompletionException.class, f::join);
            assertInstanceOf(ClosedDatabaseException.class, e.getCause());
        }
        adb.closeAsync().join(); // closing again is a no-op, as close() is
        adb.close();
    }

    @Test
    void anOpenWhoseFutureIsCancelledMeanwhileReleasesTheDatabase() throws Exception {
        Path dir = tmp.resolve("db");
        try (Database db = Database.open(dir, Config.dim(2))) {
            db.add("a", new float[] {1, 0});
        }
        // The open blocks at its first file operation until the caller has given up on the future (a cancel, as
        // orTimeout does): the database it then finishes opening belongs to nobody and must not keep the lock.
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch gaveUp = new java.util.concurrent.CountDownLatch(1);
        dev.quiver.storage.FaultInjection.install((op, file) -> {
            if (file.startsWith(dir)) {
                entered.countDown();
                try {
                    gaveUp.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<AsyncDatabase> f = AsyncDatabase.open(dir, Config.dim(2), ex);
            assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS), "the open never touched a file");
            assertTrue(f.cancel(false));
            dev.quiver.storage.FaultInjection.clear();
            gaveUp.countDown();
            ex.submit(() -> { }).get(); // the open's task has ended
        } finally {
            dev.quiver.storage.FaultInjection.clear();
            gaveUp.countDown();
            ex.shutdown();
        }
        try (Database db = Database.open(dir)) {
            assertEquals(List.of("a"), db.ids());
        }
    }
}
