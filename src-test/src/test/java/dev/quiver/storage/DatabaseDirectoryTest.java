package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.gen.WritableFile;
import dev.quiver.storage.wal.WalReader;
import dev.quiver.storage.wal.WalWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseDirectoryTest {
    @TempDir
    Path dir;

    private static List<Long> reopen(Path dir, long[] covered) {
        List<Long> replayed = new ArrayList<>();
        try (DatabaseDirectory store = DatabaseDirectory.open(dir, false)) {
            Generation g = store.current();
            covered[0] = g == null ? 0 : g.walLsn();
            store.openWal((lsn, type, payload) -> replayed.add(lsn));
        }
        return replayed;
    }

    @Test
    @Tag("scalar-path")
    void aDatabaseWithoutAGenerationIsRecoveredFromItsLogAlone() {
        try (DatabaseDirectory store = DatabaseDirectory.open(dir.resolve("db"), true)) {
            assertNull(store.current());
            WalWriter wal = store.openWal((lsn, type, payload) -> { });
            for (int i = 0; i < 5; i++) {
                wal.append((byte) 1, new byte[] {(byte) i}, false);
            }
        }
        long[] covered = new long[1];
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), reopen(dir.resolve("db"), covered));
        assertEquals(0, covered[0]);
    }

    @Test
    void aSaveWithConcurrentWritesTrimsOnlyWhatTheGenerationCovers() throws Exception {
        try (DatabaseDirectory store = DatabaseDirectory.open(dir, true)) {
            WalWriter wal = store.openWal((lsn, type, payload) -> { });
            for (int i = 0; i < 10; i++) {
                wal.append((byte) 1, new byte[8], false);
            }
            long covered = wal.roll(); // "everything up to here" goes into the generation
            assertEquals(10, covered);
            wal.append((byte) 1, new byte[8], false); // a write racing with the save
            try (GenerationWriter w = store.beginGeneration()) {
                try (WritableFile f = w.create("state")) {
                    f.writeLong(covered);
                }
                w.commit(covered, Map.of("dim", "3"));
            }
            assertEquals(1, wal.trimUpTo(covered));
            assertEquals(List.of(11L), WalReader.readAll(dir, covered).stream().map(WalReader.Record::lsn).toList());
            assertThrows(IllegalStateException.class, () -> store.openWal((lsn, type, payload) -> { }));
        }
        long[] covered = new long[1];
        assertEquals(List.of(11L), reopen(dir, covered));
        assertEquals(10, covered[0]);
        try (DatabaseDirectory store = DatabaseDirectory.open(dir, false)) {
            try (ReadableStream in = store.current().openStream("state")) {
                assertEquals(10, in.readLong());
            }
            assertEquals("3", store.current().properties().get("dim"));
            WalWriter wal = store.openWal((lsn, type, payload) -> { });
            assertEquals(12, wal.nextLsn());
        }
        assertTrue(Files.exists(dir.resolve("graph.vctrs")));
        assertTrue(Files.exists(dir.resolve("wal.vctrs")));
    }

    @Test
    void aClosedStoreRefusesUseAndReleasesItsLock() {
        DatabaseDirectory store = DatabaseDirectory.open(dir, true);
        store.close();
        store.close();
        assertThrows(ClosedStoreException.class, store::current);
        assertThrows(ClosedStoreException.class, () -> store.openWal(null));
        DatabaseDirectory.open(dir, false).close();
    }

    @Test
    void closingASlabUnderAConcurrentReaderNeverCrashes() throws Exception {
        for (int round = 0; round < 20; round++) {
            VectorSlab slab = VectorSlab.allocate(64);
            slab.ensureCapacity(1000);
            Throwable[] ended = new Throwable[1];
            Thread reader = new Thread(() -> {
                float[] v = new float[64];
                try {
                    for (long i = 0; ; i++) {
                        slab.get((int) (i % 1000), v);
                    }
                } catch (ClosedStoreException | IllegalStateException e) {
                    ended[0] = e; // the two documented outcomes
                }
            });
            reader.start();
            Thread.sleep(2);
            slab.close();
            reader.join(10_000);
            assertTrue(ended[0] instanceof ClosedStoreException || ended[0] instanceof IllegalStateException,
                    "round " + round + ": " + ended[0]);
        }
    }
}
