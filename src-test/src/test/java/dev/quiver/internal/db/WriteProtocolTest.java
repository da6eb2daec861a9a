package dev.quiver.internal.db;

import dev.quiver.Config;
import dev.quiver.CorruptDataException;
import dev.quiver.DatabaseFailedException;
import dev.quiver.DuplicateIdException;
import dev.quiver.Durability;
import dev.quiver.Metric;
import dev.quiver.NotFoundException;
import dev.quiver.StorageException;
import dev.quiver.internal.meta.MetadataCodec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database core's write protocol (validate, log, apply; replay through the same code; saves and close) against
 * in-memory fakes of the log and the files, checked against a map model.
 */
class WriteProtocolTest {

    private static final Path WHERE = Path.of("in-memory");

    /** A live record of the model: its vector and its metadata as logged (JSON bytes, or null). */
    private record Rec(float[] vector, byte[] meta) { }

    private static Config config(int dim) {
        return Config.dim(dim).metric(Metric.EUCLIDEAN).m(8).efConstruction(32).buildThreads(2);
    }

    private static float[] vector(SplittableRandom r, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) r.nextGaussian();
        }
        return v;
    }

    private static byte[] meta(SplittableRandom r) {
        return r.nextInt(4) == 0 ? null
                : MetadataCodec.encode(MetadataCodec.validate(Map.of("n", r.nextInt(5), "s", "v" + r.nextInt(3))));
    }

    /** Asserts the core holds exactly the model's records, ids in insertion order. */
    private static void assertMatches(DatabaseCore core, LinkedHashMap<String, Rec> model, String ctx) {
        core.read((index, catalog, filters) -> {
            assertEquals(List.copyOf(model.keySet()), catalog.ids(), ctx);
            for (Map.Entry<String, Rec> e : model.entrySet()) {
                int slot = catalog.slotOf(e.getKey());
                assertTrue(slot >= 0, ctx + " id " + e.getKey());
                assertArrayEquals(e.getValue().vector(), index.vector(slot), ctx + " vector of " + e.getKey());
                byte[] m = e.getValue().meta();
                assertEquals(m == null ? null : MetadataCodec.decode(m), catalog.metadata(slot),
                        ctx + " metadata of " + e.getKey());
            }
            return null;
        });
    }

    @Test
    void randomWritesMatchAMapModelAndReplayRebuildsTheSameDatabase() {
        long seed = Long.getLong("tests.seed", 20261204L);
        for (int dim : new int[] {1, 3, 17}) {
            SplittableRandom r = new SplittableRandom(seed + dim);
            InMemoryRecordLog log = new InMemoryRecordLog();
            LinkedHashMap<String, Rec> model = new LinkedHashMap<>();
            for (int session = 0; session < 3; session++) {
                String ctx = "seed " + seed + " dim " + dim + " session " + session;
                InMemoryDatabaseFiles store = new InMemoryDatabaseFiles(log);
                DatabaseCore core = DatabaseCore.openOn(WHERE, store, config(dim));
                assertMatches(core, model, ctx + " after replay");
                for (int op = 0; op < 150; op++) {
                    step(core, model, r, dim, ctx + " op " + op);
                }
                assertMatches(core, model, ctx);
                core.close();
                assertTrue(store.closed, ctx);
            }
        }
    }

    /** One random write through the core, applied to the model the same way. */
    private static void step(DatabaseCore core, LinkedHashMap<String, Rec> model, SplittableRandom r, int dim,
                             String ctx) {
        String id = "id" + r.nextInt(40);
        switch (r.nextInt(7)) {
            case 0 -> { // upsert
                WalRecord.Put p = new WalRecord.Put(false, id, vector(r, dim), meta(r));
                assertEquals(1, core.write(live -> List.of(p)), ctx);
                put(model, p);
            }
            case 1 -> { // add: refused for a live id, nothing logged
                WalRecord.Put p = new WalRecord.Put(true, id, vector(r, dim), meta(r));
                if (model.containsKey(id)) {
                    assertThrows(DuplicateIdException.class, () -> core.write(live -> {
                        assertTrue(live.test(id), ctx);
                        throw new DuplicateIdException(id);
                    }), ctx);
                } else {
                    assertEquals(1, core.write(live -> {
                        assertFalse(live.test(id), ctx);
                        return List.of(p);
                    }), ctx);
                    put(model, p);
                }
            }
            case 2 -> { // update of vector and/or metadata
                float[] v = r.nextBoolean() ? vector(r, dim) : null;
                byte[] m = v == null || r.nextBoolean() ? MetadataCodec.encode(Map.of("u", r.nextInt(9))) : null;
                WalRecord.Update u = new WalRecord.Update(id, v, m);
                if (!model.containsKey(id)) {
                    assertThrows(NotFoundException.class, () -> core.write(live -> {
                        assertFalse(live.test(id), ctx);
                        throw new NotFoundException(id);
                    }), ctx);
                } else {
                    core.write(live -> List.of(u));
                    Rec old = model.get(id);
                    model.put(id, new Rec(v != null ? v : old.vector(), m != null ? m : old.meta()));
                }
            }
            case 3 -> { // delete
                int n = core.write(live -> live.test(id) ? List.of(new WalRecord.Delete(id)) : List.of());
                assertEquals(model.remove(id) != null ? 1 : 0, n, ctx);
            }
            case 4, 5 -> { // a batch of distinct ids: one append, new ones built together
                List<WalRecord.Put> batch = new ArrayList<>();
                HashSet<String> seen = new HashSet<>();
                int size = 2 + r.nextInt(12);
                for (int i = 0; i < size; i++) {
                    String bid = "id" + r.nextInt(60);
                    if (seen.add(bid)) {
                        batch.add(new WalRecord.Put(false, bid, vector(r, dim), meta(r)));
                    }
                }
                core.write(live -> batch);
                batch.forEach(p -> put(model, p));
            }
            default -> { // delete several
                List<WalRecord.Delete> deletes = new ArrayList<>();
                for (String k : List.copyOf(model.keySet())) {
                    if (r.nextInt(4) == 0) {
                        deletes.add(new WalRecord.Delete(k));
                    }
                }
                assertEquals(deletes.size(), core.write(live -> deletes), ctx);
                deletes.forEach(d -> model.remove(d.id()));
            }
        }
    }

    private static void put(LinkedHashMap<String, Rec> model, WalRecord.Put p) {
        model.put(p.id(), new Rec(p.vector().clone(), p.metadataJson()));
    }

    @Test
    void aFailedAppendChangesNothingFailsTheDatabaseHardAndRecoveryAgrees() {
        SplittableRandom r = new SplittableRandom(7);
        InMemoryRecordLog log = new InMemoryRecordLog();
        LinkedHashMap<String, Rec> model = new LinkedHashMap<>();
        DatabaseCore first = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log), config(7));
        for (int i = 0; i < 20; i++) {
            WalRecord.Put p = new WalRecord.Put(false, "a" + i, vector(r, 7), meta(r));
            first.write(live -> List.of(p));
            put(model, p);
        }
        first.close();
        List<List<? extends WalRecord.Write>> writes = List.of(
                List.of(new WalRecord.Put(true, "new", vector(r, 7), null)),
                List.of(new WalRecord.Put(false, "a3", vector(r, 7), null)),
                List.of(new WalRecord.Put(false, "b1", vector(r, 7), null), new WalRecord.Put(false, "a4",
                        vector(r, 7), null)),
                List.of(new WalRecord.Delete("a5")));
        for (List<? extends WalRecord.Write> w : writes) {
            InMemoryDatabaseFiles files = new InMemoryDatabaseFiles(log);
            DatabaseCore core = DatabaseCore.openOn(WHERE, files, null);
            int records = log.recordCount();
            log.failNextAppend = () -> true;
            StorageException cause = assertThrows(StorageException.class, () -> core.write(live -> w));
            log.failNextAppend = () -> false;
            assertEquals(records, log.recordCount(), w.toString());
            // The database fails hard: every later call names the first failure, writes and reads alike.
            DatabaseFailedException later = assertThrows(DatabaseFailedException.class,
                    () -> core.write(live -> List.of(new WalRecord.Delete("a1"))));
            assertSame(cause, later.getCause());
            assertTrue(later.getMessage().contains("injected append failure"), later.getMessage());
            assertThrows(DatabaseFailedException.class, () -> core.read((index, catalog, filters) -> catalog.size()));
            assertThrows(DatabaseFailedException.class, core::save);
            core.close();  // releases without saving and without throwing
            assertTrue(files.closed);
            assertEquals(0, files.saves);
            assertThrows(dev.quiver.ClosedDatabaseException.class, () -> core.read((i, c, f) -> c.size()));
            DatabaseCore reopened = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log), null);
            assertMatches(reopened, model, "reopened after " + w);
            reopened.close();
        }
    }

    @Test
    void aChangeThatFailsToApplyAfterItWasLoggedFailsTheDatabaseHard() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        InMemoryDatabaseFiles files = new InMemoryDatabaseFiles(log);
        DatabaseCore core = DatabaseCore.openOn(WHERE, files, config(3));
        core.write(live -> List.of(new WalRecord.Put(false, "x", new float[] {1, 2, 3}, null)));
        // Past the public boundary's checks: the index refuses this vector only once its record is logged.
        WalRecord.Put bad = new WalRecord.Put(false, "y", new float[] {1, Float.NaN, 3}, null);
        RuntimeException applyError = assertThrows(RuntimeException.class, () -> core.write(live -> List.of(bad)));
        DatabaseFailedException later = assertThrows(DatabaseFailedException.class,
                () -> core.read((index, catalog, filters) -> catalog.ids()));
        assertSame(applyError, later.getCause());
        core.close();
        assertTrue(files.closed);
        assertEquals(0, files.saves, "a state that does not match its log is not saved");
    }

    @Test
    void aCompactionWhoseSaveFailsReleasesTheOldIndexAndKeepsServing() {
        SplittableRandom r = new SplittableRandom(11);
        InMemoryRecordLog log = new InMemoryRecordLog();
        InMemoryDatabaseFiles files = new InMemoryDatabaseFiles(log);
        DatabaseCore core = DatabaseCore.openOn(WHERE, files, config(5));
        LinkedHashMap<String, Rec> model = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            WalRecord.Put p = new WalRecord.Put(false, "c" + i, vector(r, 5), meta(r));
            core.write(live -> List.of(p));
            put(model, p);
        }
        for (int i = 0; i < 200; i += 3) {
            String id = "c" + i;
            core.write(live -> List.of(new WalRecord.Delete(id)));
            model.remove(id);
        }
        dev.quiver.internal.hnsw.HnswIndex before = core.read((index, catalog, filters) -> index);
        files.failSave = new StorageException("io error: injected save failure");
        assertThrows(StorageException.class, core::compact);
        assertThrows(IllegalStateException.class, () -> before.vector(0), "the replaced index is released");
        assertMatches(core, model, "after the failed save");
        assertEquals(0, (int) core.read((index, catalog, filters) -> index.deletedCount()));
        files.failSave = null;
        core.save();
        core.close();
        DatabaseCore reopened = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log), null);
        assertMatches(reopened, model, "reopened");
        reopened.close();
    }

    @Test
    void aHealthyDatabaseWhoseFinalSaveFailsIsReleasedAndReportsTheSaveError() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        InMemoryDatabaseFiles files = new InMemoryDatabaseFiles(log);
        DatabaseCore core = DatabaseCore.openOn(WHERE, files, config(3));
        core.write(live -> List.of(new WalRecord.Put(false, "x", new float[] {1, 2, 3}, null)));
        files.failSave = new StorageException("io error: injected save failure");
        assertSame(files.failSave, assertThrows(StorageException.class, core::close));
        assertTrue(core.isClosed());
        assertTrue(files.closed, "the lock and mappings are released even so");
        DatabaseCore reopened = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log), null);
        assertEquals(List.of("x"), reopened.read((index, catalog, filters) -> catalog.ids()), "the log kept it");
        reopened.close();
    }

    @Test
    void aRefusedPlanLogsAndAppliesNothing() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        DatabaseCore core = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log),
                config(3).durability(Durability.SYNC));
        core.write(live -> List.of(new WalRecord.Put(true, "x", new float[] {1, 2, 3}, null)));
        int records = log.recordCount();
        int syncs = log.syncs;
        assertThrows(DuplicateIdException.class, () -> core.write(live -> {
            throw new DuplicateIdException("x");
        }));
        assertEquals(0, core.write(live -> List.of()));
        assertEquals(records, log.recordCount());
        assertEquals(syncs, log.syncs, "nothing written, nothing forced");
        assertEquals(List.of("x"), core.read((index, catalog, filters) -> catalog.ids()));
        core.close();
    }

    @Test
    void aBatchIsOneAppendAndSyncForcesOutsideTheWriterLock() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        AtomicReference<DatabaseCore> ref = new AtomicReference<>();
        List<Boolean> lockedAtSync = new ArrayList<>();
        log.onSync = () -> lockedAtSync.add(ref.get().writerLockHeldByCurrentThread());
        DatabaseCore core = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log),
                config(3).durability(Durability.SYNC));
        ref.set(core);
        int appends = log.appends;
        core.write(live -> List.of(new WalRecord.Put(false, "one", new float[] {1, 0, 0}, null)));
        core.write(live -> List.of(new WalRecord.Put(false, "p", new float[] {0, 1, 0}, null),
                new WalRecord.Put(false, "q", new float[] {0, 0, 1}, null),
                new WalRecord.Put(false, "r", new float[] {1, 1, 1}, null)));
        assertEquals(appends + 1, log.appends, "a single write is one append");
        assertEquals(1, log.batchAppends, "a batch is one append");
        assertEquals(List.of(false, false), lockedAtSync, "one force per write, after the writer lock is released");
        core.close();
    }

    @Test
    void aLogPastItsBoundIsCheckpointedAndCloseSavesTheRest() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        InMemoryDatabaseFiles store = new InMemoryDatabaseFiles(log);
        DatabaseCore core = DatabaseCore.openOn(WHERE, store, config(16).walCheckpointBytes(2_000));
        SplittableRandom r = new SplittableRandom(3);
        int i = 0;
        while (store.saves == 0) {
            assertTrue(log.sizeBytes() <= 2_000, "a checkpoint was due before write " + i);
            WalRecord.Put p = new WalRecord.Put(false, "c" + i++, vector(r, 16), null);
            core.write(live -> List.of(p));
        }
        assertTrue(log.sizeBytes() > 2_000);
        assertEquals(log.lastLsn(), store.lastSavedLsn, "the checkpoint covers the write that made it due");
        int saves = store.saves;
        core.close();
        assertEquals(saves, store.saves, "nothing new since the checkpoint: close does not save again");
    }

    @Test
    void closeSavesAChangedDatabaseOnceAndIsIdempotent() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        InMemoryDatabaseFiles store = new InMemoryDatabaseFiles(log);
        DatabaseCore core = DatabaseCore.openOn(WHERE, store, config(3));
        core.write(live -> List.of(new WalRecord.Put(false, "x", new float[] {1, 2, 3}, null)));
        assertEquals(0, store.saves);
        core.close();
        core.close();
        assertEquals(1, store.saves);
        assertEquals(log.lastLsn(), store.lastSavedLsn);
        assertTrue(core.isClosed());
        assertThrows(dev.quiver.ClosedDatabaseException.class, () -> core.write(live -> List.of()));
    }

    @Test
    void corruptionFoundAfterOpenIsNeverServedNorSaved() {
        InMemoryRecordLog log = new InMemoryRecordLog();
        InMemoryDatabaseFiles store = new InMemoryDatabaseFiles(log);
        DatabaseCore core = DatabaseCore.openOn(WHERE, store, config(3));
        core.write(live -> List.of(new WalRecord.Put(false, "x", new float[] {1, 2, 3}, null)));
        store.failure = new CorruptDataException("corrupt data: index-vectors: checksum mismatch");
        CorruptDataException read = assertThrows(CorruptDataException.class,
                () -> core.read((index, catalog, filters) -> catalog.size()));
        assertTrue(read.getMessage().contains("index-vectors"), read.getMessage());
        assertThrows(CorruptDataException.class,
                () -> core.write(live -> List.of(new WalRecord.Delete("x"))));
        int records = log.recordCount();
        core.close();
        assertEquals(0, store.saves, "damaged bytes are not copied into a new generation");
        assertTrue(store.closed, "the lock and mappings are released");
        assertEquals(records, log.recordCount());
    }

    @Test
    void aStoreWithoutADatabaseIsNotFoundAndIsReleased() {
        InMemoryDatabaseFiles store = new InMemoryDatabaseFiles(new InMemoryRecordLog());
        assertThrows(dev.quiver.DatabaseNotFoundException.class, () -> DatabaseCore.openOn(WHERE, store, null));
        assertTrue(store.closed);
        InMemoryRecordLog log = new InMemoryRecordLog();
        DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log), config(3)).close();
        InMemoryDatabaseFiles other = new InMemoryDatabaseFiles(log);
        assertThrows(dev.quiver.DimensionMismatchException.class, () -> DatabaseCore.openOn(WHERE, other, config(4)));
        assertTrue(other.closed);
        assertEquals(3, log.create().dim());
    }
}
