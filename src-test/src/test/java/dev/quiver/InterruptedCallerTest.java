package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller whose thread is interrupted (a cancelled task, a pool's shutdownNow, a request timeout) while it saves,
 * compacts, closes or writes past the checkpoint bound: its call completes, its interrupt stays set for it to see, and
 * the database keeps serving every other thread. An interrupt used to close the log's shared file channel in the
 * save's roll (ClosedByInterruptException), after which every later write from any thread failed with "write-ahead
 * log ... is closed" on a database that was not closed.
 */
class InterruptedCallerTest {

    @TempDir
    Path tmp;

    private static final long SEED = Long.getLong("quiver.interruptSeed", 2027_0301L);

    @Test
    void anInterruptedSaveNeitherFailsNorBreaksTheLogForOthers() throws Exception {
        check("save", db -> db.save(), 1 << 30, 0);
    }

    @Test
    void anInterruptedCompactNeitherFailsNorBreaksTheLogForOthers() throws Exception {
        check("compact", db -> db.compact(), 1 << 30, 0);
    }

    @Test
    void anInterruptedWriterWhoseBatchRunsACheckpointLeavesTheLogWorking() throws Exception {
        // 200 records of 8 floats pass 4 KiB of log: the batch's automatic save runs on the interrupted thread.
        Random rnd = new Random(SEED + 2);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add("batch" + i);
        }
        float[][] vectors = DbTesting.randomVectors(rnd, batch.size(), 8);
        check("checkpointing addMany", db -> db.addMany(batch, vectors), 4_096, batch.size());
    }

    /**
     * The interrupt arrives while the log is being forced (each SYNC write's group commit, and the save's roll): the
     * force must not close the log's shared channel under the other writers. The writes complete; a save interrupted
     * in its roll may fail afterwards, in its own generation files (typed, the log untouched), but the log keeps
     * serving every thread and a reopen has every acknowledged write.
     */
    @Test
    void anInterruptArrivingDuringALogForceLeavesTheLogWorking() throws Exception {
        Path path = tmp.resolve("during-force");
        Thread caller = Thread.currentThread();
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        try (Database db = Database.open(path, Config.dim(8).durability(Durability.SYNC))) {
            dev.quiver.storage.FaultInjection.install((op, file) -> {
                if (op == dev.quiver.storage.FaultInjection.Op.FORCE
                        && file.getFileName().toString().equals("wal.vctrs")) {
                    caller.interrupt(); // as a cancel would, at the moment the log is forced
                }
            });
            try {
                for (int i = 0; i < 20; i++) {
                    db.add("r" + i, v);
                    assertTrue(Thread.interrupted(), "the caller's interrupt is kept for it, write " + i);
                }
                saveInterrupted(db);
            } finally {
                dev.quiver.storage.FaultInjection.clear();
                Thread.interrupted();
            }
            servesAnotherWriterAndKeepsEverything(db, path, 21);
        }
    }

    /**
     * A save whose thread is interrupted somewhere inside it: it may fail in its own generation files (typed; the log
     * and the previous generation untouched), and the caller's interrupt is kept for it.
     */
    private static void saveInterrupted(Database db) {
        try {
            db.save();
        } catch (StorageException interruptedInItsOwnFiles) {
            assertTrue(interruptedInItsOwnFiles.getMessage().contains("gen-"), interruptedInItsOwnFiles.getMessage());
        }
        assertTrue(Thread.interrupted(), "the caller's interrupt is kept for it, save");
    }

    /** Another thread still writes, a save succeeds, and a reopen holds {@code expected} records. */
    private static void servesAnotherWriterAndKeepsEverything(Database db, Path path, int expected) throws Exception {
        Thread other = Thread.ofPlatform().start(() -> db.add("other", new float[] {1, 2, 3, 4, 5, 6, 7, 8}));
        other.join();
        assertEquals(expected, db.size(), "the log kept working for another thread");
        db.save(); // and a save without an interrupt succeeds
        db.close();
        try (Database reopened = Database.open(path)) {
            assertEquals(expected, reopened.size());
        }
    }

    /** The interrupt arrives while a save's roll creates the next log segment (its temp file's force). */
    @Test
    void anInterruptArrivingWhileTheNextLogSegmentIsMadeLeavesTheLogWorking() throws Exception {
        Path path = tmp.resolve("during-roll");
        Thread caller = Thread.currentThread();
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        try (Database db = Database.open(path, Config.dim(8))) {
            db.add("a", v);
            int[] interrupts = {0};
            dev.quiver.storage.FaultInjection.install((op, file) -> {
                if (op == dev.quiver.storage.FaultInjection.Op.FORCE && Thread.currentThread() == caller
                        && file.getFileName().toString().equals("wal.vctrs.tmp") && interrupts[0]++ == 0) {
                    caller.interrupt();
                }
            });
            try {
                saveInterrupted(db);
            } finally {
                dev.quiver.storage.FaultInjection.clear();
                Thread.interrupted();
            }
            assertEquals(2, interrupts[0], "interrupted at the first try, the temp file forced again at the second");
            servesAnotherWriterAndKeepsEverything(db, path, 2);
        }
    }

    @Test
    void anInterruptedCloseSavesAndReleases() throws Exception {
        Path path = tmp.resolve("close");
        int live = fill(path);
        Database db = Database.open(path);
        db.add("late", new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        String failure = onInterruptedThread(db::close);
        assertEquals("", failure, "seed " + SEED + ": close() on an interrupted thread");
        assertTrue(db.isClosed());
        try (Database again = Database.open(path)) {
            assertEquals(live + 1, again.size(), "seed " + SEED);
        }
    }

    private void check(String what, Consumer<Database> call, long checkpointBytes, int added) throws Exception {
        Path path = tmp.resolve(what.replace(' ', '-'));
        int live = fill(path);
        try (Database db = Database.open(path, Config.dim(8).walCheckpointBytes(checkpointBytes))) {
            Random rnd = new Random(SEED + 1);
            // In the log: the save the interrupted call runs must seal a log segment holding it.
            db.add("before", DbTesting.randomVector(rnd, 8));
            String failure = onInterruptedThread(() -> call.accept(db));
            assertEquals("", failure, "seed " + SEED + ": " + what + " on an interrupted thread");
            assertFalse(db.isClosed());
            // Another thread, not interrupted: the database must still take writes and serve them.
            for (int i = 0; i < 20; i++) {
                db.add("after" + i, DbTesting.randomVector(rnd, 8));
            }
            db.save();
            assertTrue(db.contains("after19"), "seed " + SEED + ": " + what);
        }
        try (Database again = Database.open(path)) {
            assertEquals(live + 1 + added + 20, again.size(), "seed " + SEED + ": " + what + ": records lost");
        }
    }

    /** Creates a saved database of 300 records, 10 of them deleted (tombstones for compact); returns the live count. */
    private static int fill(Path path) {
        Random rnd = new Random(SEED);
        List<String> ids = new ArrayList<>();
        try (Database db = Database.open(path, Config.dim(8))) {
            for (int i = 0; i < 300; i++) {
                ids.add("x" + i);
            }
            db.addMany(ids, DbTesting.randomVectors(rnd, ids.size(), 8));
            db.deleteMany(ids.subList(0, 10));
            return db.size();
        }
    }

    /**
     * Runs {@code body} on a pool thread that interrupts itself first; returns "" when it completed normally with the
     * interrupt still set, else what went wrong.
     */
    private static String onInterruptedThread(Runnable body) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> f = pool.submit(() -> {
                Thread.currentThread().interrupt();
                try {
                    body.run();
                } catch (RuntimeException e) {
                    Thread.interrupted();
                    return "threw " + e;
                }
                return Thread.interrupted() ? "" : "the caller's interrupt was swallowed";
            });
            return f.get();
        } finally {
            pool.shutdown();
        }
    }
}
