package dev.quiver;

import dev.quiver.storage.FaultInjection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disk-full and I/O errors at every step of add, addMany, save, compact and exportJson, injected deterministically
 * at the file layer ({@link FaultInjection}: the n-th write, force, truncate, rename or map of a database file fails,
 * for every n the operation reaches). After each: the call failed with a {@link QuiverException} (or succeeded when
 * the fault was not on its path), close released the directory, and a reopen shows every acknowledged write, the
 * failed call's records all or none, and no record with other content.
 */
class FaultInjectionTest {

    @TempDir
    Path tmp;

    private static final int DIM = 4;

    @AfterEach
    void clearFaults() {
        FaultInjection.clear();
    }

    static float[] vector(int i) {
        return new float[] {i, i * 0.25f, -i, 1};
    }

    /** A saved database with records 0..29 (5, 10, 15 deleted), then 30..34 only in the log. */
    private Path template() {
        Path p = tmp.resolve("template");
        try (Database db = Database.open(p, Config.dim(DIM).metric(Metric.EUCLIDEAN).durability(Durability.SYNC))) {
            for (int i = 0; i < 30; i++) {
                db.add("r" + i, vector(i), Map.of("i", i));
            }
            db.delete("r5");
            db.delete("r10");
            db.delete("r15");
            db.save();
            for (int i = 30; i < 35; i++) {
                db.add("r" + i, vector(i), Map.of("i", i));
            }
            // Closing would save: copy the files of the open database instead (a crash image after SYNC writes).
            copyTree(p, tmp.resolve("image"));
        }
        return tmp.resolve("image");
    }

    @Test
    void aFailedAutomaticCheckpointDoesNotFailTheWriteThatTriggeredIt() {
        Path p = tmp.resolve("checkpoints");
        try (Database db = Database.open(p, Config.dim(DIM).metric(Metric.EUCLIDEAN).durability(Durability.SYNC)
                .walCheckpointBytes(4_096))) {
            long generation = db.stats().generation();
            // The disk is full for everything but the log (which has room): every checkpoint's save fails.
            FaultInjection.install((o, file) -> {
                if (o == FaultInjection.Op.WRITE && !file.getFileName().toString().startsWith("wal")) {
                    throw new IOException("No space left on device (injected " + o + " on " + file.getFileName()
                            + ")");
                }
            });
            try {
                for (int i = 0; i < 200; i++) {
                    db.add("a" + i, vector(i), Map.of("i", i)); // logged, forced and applied: it must not throw
                }
            } finally {
                FaultInjection.clear();
            }
            assertEquals(generation, db.stats().generation(), "no checkpoint could be saved");
            assertTrue(db.stats().walBytes() > 4_096, "the log kept every write: " + db.stats().walBytes());
            assertEquals(200, db.size());
            for (int i = 200; i < 400; i++) {
                db.add("a" + i, vector(i), Map.of("i", i));
            }
            assertTrue(db.stats().generation() > generation, "checkpoints resume once saves succeed again");
        }
        try (Database db = Database.open(p)) {
            assertEquals(400, db.size());
            assertEquals(Map.of("i", 0L), db.get("a0").metadata());
            assertEquals(Map.of("i", 399L), db.get("a399").metadata());
        }
    }

    private static Map<String, float[]> acknowledged() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int i = 0; i < 35; i++) {
            if (i != 5 && i != 10 && i != 15) {
                m.put("r" + i, vector(i));
            }
        }
        return m;
    }

    private interface Op {
        /** Runs the operation; returns the ids it writes (all or none may survive a failure). */
        Set<String> run(Database db, Path scratch);
    }

    @Test
    void everyFaultAtEveryStepIsTypedAndLosesNothingAcknowledged() throws IOException {
        Path image = template();
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("add", (db, s) -> {
            db.add("new", vector(100), Map.of("i", 100));
            return Set.of("new");
        });
        ops.put("addMany", (db, s) -> {
            List<String> ids = new ArrayList<>();
            float[][] vs = new float[40][];
            for (int i = 0; i < 40; i++) {
                ids.add("m" + i);
                vs[i] = vector(200 + i);
            }
            db.addMany(ids, vs);
            return new HashSet<>(ids);
        });
        ops.put("save", (db, s) -> {
            db.save();
            return Set.of();
        });
        ops.put("compact", (db, s) -> {
            db.compact();
            return Set.of();
        });
        ops.put("exportJson", (db, s) -> {
            db.exportJson(s.resolve("out.json"), false);
            return Set.of();
        });
        List<String> problems = new ArrayList<>();
        int runs = 0;
        int failedCalls = 0;
        for (var op : ops.entrySet()) {
            for (FaultInjection.Op kind : FaultInjection.Op.values()) {
                for (int n = 1; ; n++) {
                    runs++;
                    Path dir = tmp.resolve("run" + runs);
                    copyTree(image, dir.resolve("db"));
                    Path scratch = Files.createDirectories(dir.resolve("scratch"));
                    String where = op.getKey() + ", " + kind + " #" + n;
                    int[] seen = {0};
                    int failAt = n;
                    Set<String> inFlight = Set.of();
                    Throwable thrown = null;
                    Database db = Database.open(dir.resolve("db"));
                    try {
                        FaultInjection.install((o, file) -> {
                            if (o == kind && file.startsWith(dir) && ++seen[0] == failAt) {
                                throw new IOException("No space left on device (injected " + o + " on "
                                        + file.getFileName() + ")");
                            }
                        });
                        try {
                            inFlight = op.getValue().run(db, scratch);
                        } catch (Throwable t) {
                            thrown = t;
                        } finally {
                            FaultInjection.clear();
                        }
                        if (thrown != null) {
                            failedCalls++;
                            if (!(thrown instanceof QuiverException)) {
                                problems.add(where + ": untyped " + thrown);
                            }
                            inFlight = inFlightOf(op.getKey());
                        }
                    } finally {
                        try {
                            db.close();
                        } catch (QuiverException e) {
                            // A failed log may refuse the closing save; the lock must still be released.
                        } catch (Throwable t) {
                            problems.add(where + ": close threw untyped " + t);
                        }
                    }
                    checkReopened(dir.resolve("db"), inFlight, where, problems);
                    if (op.getKey().equals("exportJson")) {
                        checkExport(scratch.resolve("out.json"), thrown == null, where, problems);
                    }
                    deleteTree(dir);
                    if (seen[0] < n) {
                        break; // the operation never reached an n-th step of this kind
                    }
                }
            }
        }
        System.out.println("fault injection: " + runs + " runs, " + failedCalls + " calls failed by an injected fault");
        assertEquals(List.of(), problems, problems.size() + " problems in " + runs + " runs");
    }

    private static Set<String> inFlightOf(String op) {
        Set<String> ids = new HashSet<>();
        if (op.equals("add")) {
            ids.add("new");
        } else if (op.equals("addMany")) {
            for (int i = 0; i < 40; i++) {
                ids.add("m" + i);
            }
        }
        return ids;
    }

    private static void checkReopened(Path dir, Set<String> inFlight, String where, List<String> problems) {
        try (Database db = Database.open(dir)) {
            Map<String, float[]> want = acknowledged();
            Set<String> got = new HashSet<>(db.ids());
            for (var e : want.entrySet()) {
                if (!got.contains(e.getKey())) {
                    problems.add(where + ": acknowledged " + e.getKey() + " lost");
                } else if (!java.util.Arrays.equals(e.getValue(), db.get(e.getKey()).vector())) {
                    problems.add(where + ": " + e.getKey() + " has other content");
                }
            }
            Set<String> extra = new HashSet<>(got);
            extra.removeAll(want.keySet());
            if (!extra.isEmpty() && !extra.equals(inFlight)) {
                problems.add(where + ": after reopen " + extra.size() + " records beyond the acknowledged ones, "
                        + "expected none or all " + inFlight.size() + " of the failed call's");
            }
        } catch (Throwable t) {
            problems.add(where + ": reopen failed: " + t);
        }
    }

    /** An export is whole or absent: a failure after the commit rename (forcing the directory) leaves it whole. */
    private static void checkExport(Path out, boolean succeeded, String where, List<String> problems) {
        try {
            if (succeeded || Files.exists(out)) {
                Path check = out.resolveSibling("check-db");
                try (Database db = Database.open(check, Config.dim(DIM).metric(Metric.EUCLIDEAN))) {
                    db.importJson(out);
                    if (db.size() != acknowledged().size()) {
                        problems.add(where + ": export holds " + db.size() + " records");
                    }
                }
            }
            if (Files.exists(out.resolveSibling("out.json.tmp"))) {
                problems.add(where + ": temp file left behind");
            }
        } catch (RuntimeException e) {
            problems.add(where + ": export unreadable: " + e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (var files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("quiver.lock")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
