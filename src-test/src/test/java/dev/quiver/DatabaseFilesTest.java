package dev.quiver;

import dev.quiver.internal.db.StorageDbStore;
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
        String old = System.getProperty(StorageDbStore.VERIFY_PROPERTY);
        System.setProperty(StorageDbStore.VERIFY_PROPERTY, Long.toString(bytes));
        try {
            return action.get();
        } finally {
            if (old == null) {
                System.clearProperty(StorageDbStore.VERIFY_PROPERTY);
            } else {
                System.setProperty(StorageDbStore.VERIFY_PROPERTY, old);
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
}
