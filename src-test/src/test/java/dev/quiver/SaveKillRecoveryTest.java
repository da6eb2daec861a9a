package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quiver.storage.ChildProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Recovery never rewrites history: one directory, many cycles of "open (recover), upsertMany a batch, save", each
 * child JVM killed with SIGKILL at a random moment (mostly during the save, sometimes during the batch). Every
 * recovery's decision about every batch is recorded: an acknowledged batch is present in full, a batch is all or
 * nothing, the shared ids show the last batch kept, and once a recovery has decided a batch (kept or dropped), every
 * later recovery agrees. Bounded in CI ({@value #CI_CYCLES} cycles); {@code -Dquiver.soak=true} runs
 * {@code quiver.soak.cycles} (default 300) and prints its figures.
 */
class SaveKillRecoveryTest {
    static final int CI_CYCLES = 12;

    @TempDir
    Path tmp;

    @Test
    void laterRecoveriesAgreeWithEarlierOnes() throws Exception {
        boolean soak = Boolean.getBoolean("quiver.soak");
        int cycles = soak ? Integer.getInteger("quiver.soak.cycles", 300) : CI_CYCLES;
        long seed = Long.getLong("quiver.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("db");
        Map<Integer, Boolean> decided = new HashMap<>(); // cycle -> kept (by the first recovery that saw it)
        List<Integer> acked = new ArrayList<>();
        long recordsChecked = 0;
        int killsDuringSave = 0;
        String where = "seed " + seed;
        for (int cycle = 0; cycle <= cycles; cycle++) {
            try (ChildProcess child = new ChildProcess(SaveKillChild.class, List.of("-Xmx128m", "--add-modules",
                    "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"), true, dir.toString(),
                    Integer.toString(cycle))) {
                String state = child.await("STATE ", where + ", cycle " + cycle);
                recordsChecked += check(state, cycle, decided, acked, where + ", cycle " + cycle);
                if (cycle == cycles) {
                    break; // the last child only recovers and reports
                }
                child.await("READY", where);
                boolean duringBatch = rnd.nextInt(5) == 0;
                if (duringBatch) {
                    Thread.sleep(rnd.nextInt(15));
                } else {
                    String ack = child.await("ACK ", where + ", cycle " + cycle);
                    assertEquals("ACK " + cycle, ack);
                    acked.add(cycle);
                    Thread.sleep(rnd.nextInt(150)); // 0-150 ms into the save, as the probe that found the issue
                }
                List<String> rest = child.kill();
                for (String line : rest) {
                    if (line.equals("ACK " + cycle) && !acked.contains(cycle)) {
                        acked.add(cycle);
                    }
                }
                if (!rest.contains("SAVED " + cycle) && acked.contains(cycle)) {
                    killsDuringSave++;
                }
            }
        }
        if (soak) {
            System.out.printf("save-kill soak: seed %d, cycles %d, killed during save %d, records checked %d, "
                    + "batches decided %d, lost 0, rewritten 0%n", seed, cycles, killsDuringSave, recordsChecked,
                    decided.size());
        }
    }

    /**
     * The deterministic form of a kill inside a batch's write (SIGKILL can end a write() part way, at a page
     * boundary): the log cut at every offset inside an upsertMany batch. Recovery keeps none of the batch, and later
     * recoveries (after more writes and saves) agree. Before batches were marked, every cut after the first record
     * replayed a prefix of the batch.
     */
    @Test
    void aBatchCutAnywhereRecoversNoneOfItAndLaterRecoveriesAgree() throws Exception {
        Path image = tmp.resolve("image");
        Path wal;
        long batchStart;
        long batchEnd;
        try (Database db = Database.open(tmp.resolve("live"), Config.dim(SaveKillChild.DIM).metric("l2"))) {
            db.add("before", SaveKillChild.vector(1, 1));
            db.save();
            db.add("logged", SaveKillChild.vector(1, 2));
            batchStart = java.nio.file.Files.size(tmp.resolve("live").resolve("wal.vctrs"));
            List<String> ids = new ArrayList<>();
            float[][] vectors = new float[50][];
            for (int j = 0; j < 50; j++) {
                ids.add("x" + j);
                vectors[j] = SaveKillChild.vector(2, j);
            }
            db.upsertMany(ids, vectors);
            batchEnd = java.nio.file.Files.size(tmp.resolve("live").resolve("wal.vctrs"));
            // The files as a crash would leave them (the open database would save on close).
            java.nio.file.Files.createDirectories(image);
            try (var files = java.nio.file.Files.list(tmp.resolve("live"))) {
                for (Path f : files.toList()) {
                    if (!f.getFileName().toString().equals("quiver.lock")) {
                        java.nio.file.Files.copy(f, image.resolve(f.getFileName()));
                    }
                }
            }
        }
        wal = image.resolve("wal.vctrs");
        byte[] full = java.nio.file.Files.readAllBytes(wal);
        assertEquals(batchEnd, full.length);
        for (long cut = batchStart; cut <= batchEnd; cut += Math.max(1, (batchEnd - batchStart) / 23)) {
            Path dir = tmp.resolve("cut" + cut);
            java.nio.file.Files.createDirectories(dir);
            try (var files = java.nio.file.Files.list(image)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            java.nio.file.Files.write(dir.resolve("wal.vctrs"), java.util.Arrays.copyOf(full, (int) cut));
            int kept;
            try (Database db = Database.open(dir)) {
                kept = (int) db.ids().stream().filter(id -> id.startsWith("x")).count();
                assertTrue(db.contains("before") && db.contains("logged"), "cut at " + cut);
                assertTrue(kept == 0 || kept == 50, "cut at " + cut + ": " + kept + " of 50 batch records recovered");
                assertEquals(cut == batchEnd ? 50 : 0, kept, "cut at " + cut);
                db.add("after", SaveKillChild.vector(3, 0));
            }
            for (int again = 0; again < 2; again++) {
                try (Database db = Database.open(dir)) {
                    assertEquals(kept, db.ids().stream().filter(id -> id.startsWith("x")).count(),
                            "cut at " + cut + ", recovery " + (again + 2) + " disagrees with the first");
                    assertTrue(db.contains("after"));
                }
            }
        }
    }

    /** Checks one recovery's report against every earlier decision; returns the records it checked. */
    private static long check(String state, int cycle, Map<Integer, Boolean> decided, List<Integer> acked,
                              String where) {
        // "STATE c:n,c:n, SHARED x,y,... BAD b"
        String[] parts = state.split(" ");
        assertEquals("0", parts[parts.length - 1], "records with wrong content, " + where + ": " + state);
        Map<Integer, Integer> present = new HashMap<>();
        String counts = parts[1].equals("SHARED") ? "" : parts[1];
        for (String entry : counts.split(",")) {
            if (!entry.isEmpty()) {
                String[] kv = entry.split(":");
                present.put(Integer.parseInt(kv[0]), Integer.parseInt(kv[1]));
            }
        }
        int lastKept = -1;
        for (int c = 0; c < cycle; c++) {
            int n = present.getOrDefault(c, 0);
            if (n != 0 && n != SaveKillChild.NEW_IDS) {
                fail("batch " + c + " partly recovered (" + n + " of " + SaveKillChild.NEW_IDS + "), " + where);
            }
            boolean kept = n != 0;
            if (acked.contains(c) && !kept) {
                fail("acknowledged batch " + c + " lost, " + where + ": " + state);
            }
            Boolean earlier = decided.putIfAbsent(c, kept);
            if (earlier != null && earlier != kept) {
                fail("recovery rewrote history: batch " + c + " was " + (earlier ? "kept" : "dropped")
                        + " by an earlier recovery and is " + (kept ? "kept" : "dropped") + " now, " + where
                        + ": " + state);
            }
            if (kept) {
                lastKept = c;
            }
        }
        for (int c : present.keySet()) {
            assertTrue(c < cycle, "batch " + c + " from the future, " + where);
        }
        String sharedPart = parts.length > 4 && parts[2].isEmpty() ? "" : findShared(parts);
        int sharedCount = 0;
        for (String s : sharedPart.split(",")) {
            if (!s.isEmpty()) {
                sharedCount++;
                assertEquals(lastKept, Integer.parseInt(s), "shared ids must show the last batch kept, " + where
                        + ": " + state);
            }
        }
        assertEquals(lastKept < 0 ? 0 : SaveKillChild.SHARED, sharedCount, where + ": " + state);
        return (long) present.values().stream().mapToInt(Integer::intValue).sum() + sharedCount;
    }

    private static String findShared(String[] parts) {
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals("SHARED")) {
                return parts[i + 1].equals("BAD") ? "" : parts[i + 1];
            }
        }
        return "";
    }
}
