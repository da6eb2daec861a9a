package dev.quiver;

import dev.quiver.internal.db.StorageDatabaseFiles;
import dev.quiver.internal.db.StorageRecordLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The generation's id map, metadata and inverted index files: opened in place, damaged files reported naming the
 * file, and large files verified in the background after open.
 */
class DatabaseFilesTest {

    @TempDir
    Path tmp;

    private static final long SEED = 7_2026_1124L;

    /** 50 records with metadata, saved on close: every file of the generation exists. */
    private Path savedDatabase(String name) {
        Path p = tmp.resolve(name);
        Random rnd = new Random(SEED);
        try (Database db = Database.open(p, Config.dim(3))) {
            for (int i = 0; i < 50; i++) {
                db.add("v" + i, DbTesting.randomVector(rnd, 3), Map.of("i", i, "g", i % 4));
            }
        }
        return p;
    }

    private static Path generationFile(Path db, String logicalName) throws IOException {
        try (var files = Files.list(db)) {
            return files.filter(f -> f.getFileName().toString().matches("gen-\\d+\\." + logicalName))
                    .findFirst().orElseThrow(() -> new AssertionError("no file " + logicalName + " in " + db));
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) at] ^= 0x5A;
        Files.write(file, bytes);
    }

    private static <T> T withVerifyThreshold(long bytes, Supplier<T> action) {
        String old = System.getProperty(StorageDatabaseFiles.VERIFY_PROPERTY);
        System.setProperty(StorageDatabaseFiles.VERIFY_PROPERTY, Long.toString(bytes));
        try {
            return action.get();
        } finally {
            if (old == null) {
                System.clearProperty(StorageDatabaseFiles.VERIFY_PROPERTY);
            } else {
                System.setProperty(StorageDatabaseFiles.VERIFY_PROPERTY, old);
            }
        }
    }

    @Test
    @Tag("scalar-path")
    void reopenServesIdsMetadataAndFiltersFromTheFilesWithTheLogOnTop() {
        Path p = savedDatabase("db");
        try (Database db = Database.open(p)) {
            assertEquals(50, db.size());
            assertEquals(13, db.count(Filter.eq("g", 1)));
            // Writes after open land in the heap layers above the mapped files.
            db.delete("v3");
            db.upsert("v5", new float[] {1, 2, 3}, Map.of("g", 9));
            db.add("new", new float[] {3, 2, 1}, Map.of("g", 1));
            db.update("v9", null, Map.of("g", 1, "x", true));
        }
        for (int round = 0; round < 2; round++) {
            try (Database db = Database.open(p)) {
                List<String> want = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    if (i != 3) {
                        want.add("v" + i);
                    }
                }
                want.add("new");
                assertEquals(want, db.ids(), "round " + round);
                assertEquals(Map.of("g", 9L), db.get("v5").metadata());
                assertEquals(Map.of("g", 1L, "x", true), db.get("v9").metadata());
                // g == 1: 13 originally, v9 (g was 1) stays 1, v5 leaves nothing (it was g 1), "new" joins.
                long expected = 0;
                for (String id : want) {
                    Object g = db.get(id).metadata().get("g");
                    expected += Long.valueOf(1).equals(g) ? 1 : 0;
                }
                assertEquals(expected, db.count(Filter.eq("g", 1)), "round " + round);
                assertEquals(1, db.count(Filter.eq("x", true)));
                assertEquals(0, db.count(Filter.and(Filter.eq("g", 9), Filter.eq("i", 5))));
                assertTrue(db.search(new float[] {1, 2, 3}, SearchParams.k(1).filter(Filter.eq("g", 9)))
                        .getFirst().id().equals("v5"));
                if (round == 0) {
                    db.save(); // the second round opens the files this save wrote
                }
            }
        }
    }

    @Test
    void damagedIdMetadataAndIndexFilesAreCorruptNamingTheFile() throws IOException {
        for (String name : List.of("ids", "metadata", "filter-index")) {
            for (long threshold : new long[] {64L << 20, 0}) {
                // With the default threshold the storage frame's checksum catches it; with 0 the file's own does.
                Path p = savedDatabase(name + "-" + threshold);
                Path file = generationFile(p, name);
                flipByte(file, Files.size(file) / 2);
                CorruptDataException e = assertThrows(CorruptDataException.class,
                        () -> withVerifyThreshold(threshold, () -> Database.open(p)), name + " " + threshold);
                assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            }
        }
    }

    @Test
    void largeFilesAreVerifiedInTheBackgroundAndCorruptionFailsTheDatabase() throws Exception {
        Path p = savedDatabase("db");
        Path vectors = generationFile(p, "index-vectors");
        // Inside the first records: the slab still maps, only its payload checksum disagrees.
        flipByte(vectors, dev.quiver.storage.gen.DataFileFormat.HEADER_BYTES + 5);
        // Threshold 0: no file is checksummed at open, every file is verified right after it.
        Database db = withVerifyThreshold(0, () -> Database.open(p));
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try {
                    db.count();
                } catch (CorruptDataException e) {
                    assertTrue(e.getMessage().contains(vectors.getFileName().toString()), e.getMessage());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("background verification never reported the damaged " + vectors);
                }
                Thread.sleep(10);
            }
            CorruptDataException e = assertThrows(CorruptDataException.class,
                    () -> db.add("more", new float[] {1, 1, 1}));
            assertTrue(e.getMessage().contains(vectors.getFileName().toString()), e.getMessage());
            assertThrows(CorruptDataException.class, () -> db.search(new float[] {1, 1, 1}, 3));
        } finally {
            db.close();
        }
        // Close did not save over the damage: the next open still finds it.
        assertThrows(CorruptDataException.class, () -> Database.open(p));
    }

    @Test
    void undamagedLargeFilesPassTheBackgroundVerification() throws Exception {
        Path p = savedDatabase("db");
        try (Database db = withVerifyThreshold(0, () -> Database.open(p))) {
            Thread.sleep(200);
            for (int i = 0; i < 20; i++) {
                assertEquals(50, db.count());
                db.upsert("v" + i, new float[] {i, 0, 1});
                Thread.sleep(5);
            }
            db.save();
            assertEquals(50, db.count());
        }
    }

    @Test
    void damageInsideAVectorsFileOverSixtyFourMebibytesIsNeverServedWithTheDefaults() throws IOException {
        // 4,200 vectors of 4,096 floats: a 69 MB vectors file, above the size open used to verify only later.
        int dim = 4096;
        int n = 4200;
        Path p = tmp.resolve("big");
        Random rnd = new Random(SEED);
        try (Database db = Database.open(p, Config.dim(dim).metric(Metric.EUCLIDEAN).m(4).efConstruction(8))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add("v" + i);
            }
            db.addMany(ids, DbTesting.randomVectors(rnd, n, dim));
        }
        Path vectors = generationFile(p, "index-vectors");
        assertTrue(Files.size(vectors) > (64L << 20), "vectors file of " + Files.size(vectors) + " bytes");
        // Damage in the middle of record 2,100's vector: before this fix get("v2100") served it right after open.
        long at = dev.quiver.storage.gen.DataFileFormat.HEADER_BYTES + 2100L * dim * 4 + 17;
        try (var ch = java.nio.channels.FileChannel.open(vectors, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x40)).clear();
            ch.write(one, at);
        }
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> {
            try (Database db = Database.open(p)) {
                db.get("v2100"); // reached only when open served the file unverified
            }
        });
        assertTrue(e.getMessage().contains(vectors.getFileName().toString()), e.getMessage());
    }

    @Test
    void aSaveAfterALazyOpenNeverCopiesUnverifiedBytes() throws IOException {
        Path p = savedDatabase("db");
        Path vectors = generationFile(p, "index-vectors");
        flipByte(vectors, dev.quiver.storage.gen.DataFileFormat.HEADER_BYTES + 5);
        for (int round = 0; round < 3; round++) {
            // Threshold 0 (lazy opening, opted into): nothing is verified at open; the save must verify first.
            Database db = withVerifyThreshold(0, () -> Database.open(p));
            try {
                CorruptDataException e = assertThrows(CorruptDataException.class, db::save, "round " + round);
                assertTrue(e.getMessage().contains(vectors.getFileName().toString()), e.getMessage());
            } finally {
                db.close();
            }
            // The damaged generation is still the database: nothing was laundered into a fresh checksum.
            assertTrue(Files.exists(vectors), "round " + round);
            assertThrows(CorruptDataException.class, () -> Database.open(p), "round " + round);
        }
    }

    @Test
    void aDeletedOrEmptyLogOfASavedDatabaseIsCorruptNotNoWrites() throws IOException {
        for (String damage : List.of("deleted", "empty")) {
            Path p = savedDatabase("db-" + damage);
            Path wal = p.resolve("wal.vctrs");
            assertTrue(Files.exists(wal));
            if (damage.equals("deleted")) {
                Files.delete(wal);
            } else {
                Files.write(wal, new byte[0]);
            }
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> Database.open(p), damage);
            assertTrue(e.getMessage().contains("wal.vctrs"), e.getMessage());
            assertThrows(CorruptDataException.class, () -> Database.open(p, Config.dim(3)), damage);
            // The explicit choice opens what the saved state holds and reports the damage.
            String old = System.getProperty(StorageRecordLog.OPEN_UP_TO_DAMAGE_PROPERTY);
            System.setProperty(StorageRecordLog.OPEN_UP_TO_DAMAGE_PROPERTY, "true");
            try (Database db = Database.open(p)) {
                assertEquals(50, db.size());
            } finally {
                if (old == null) {
                    System.clearProperty(StorageRecordLog.OPEN_UP_TO_DAMAGE_PROPERTY);
                } else {
                    System.setProperty(StorageRecordLog.OPEN_UP_TO_DAMAGE_PROPERTY, old);
                }
            }
            try (Database db = Database.open(p)) {
                assertEquals(50, db.size(), "after the chosen open the log continues normally");
            }
        }
    }

    @Test
    void aNeverSavedDatabaseWithAnEmptyLogIsCorruptNotNew() throws IOException {
        Path p = tmp.resolve("unsaved");
        Database db = Database.open(p, Config.dim(3));
        db.add("a", new float[] {1, 2, 3});
        // Simulate the state after a crash: the handle is abandoned, its lock released by closing a copy's files.
        db.close();
        try (var files = Files.list(p)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("gen-") || f.getFileName().toString().equals("graph.vctrs")) {
                    Files.delete(f);
                }
            }
        }
        Files.write(p.resolve("wal.vctrs"), new byte[0]);
        assertThrows(CorruptDataException.class, () -> Database.open(p));
        assertThrows(CorruptDataException.class, () -> Database.open(p, Config.dim(3)),
                "an empty log is damage, not a fresh database to create over it");
    }
}
