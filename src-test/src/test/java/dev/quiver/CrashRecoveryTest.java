package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every acknowledged write survives: a close without an explicit save, and a child JVM killed with SIGKILL right
 * after it acknowledged writes (never saved, saved midway, SYNC durability).
 */
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    /** The writes the child performs; write {@code i} is reproducible from {@code i}. */
    static void write(Database db, int i) {
        String id = "id" + i;
        switch (i % 10) {
            case 7 -> db.update("id" + (i - 1), vector(i), Map.of("updated", i));
            case 8 -> db.delete("id" + (i - 3));
            case 9 -> db.addMany(List.of(id, id + "b"), new float[][] {vector(i), vector(-i)},
                    List.of(Map.of("i", i), Map.of("i", -i)));
            default -> db.upsert(id, vector(i), Map.of("i", i));
        }
    }

    static float[] vector(int i) {
        return new float[] {i, i * 0.5f, 1, -i};
    }

    /** Replays writes 0..n-1 on a model and checks the database against it. */
    private void assertHasWrites(Database db, int n) {
        Path p = tmp.resolve("model");
        try (Database model = Database.open(p, Config.dim(4).metric("l2"))) {
            for (int i = 0; i < n; i++) {
                write(model, i);
            }
            assertEquals(model.ids(), db.ids(), "ids after " + n + " acknowledged writes");
            for (String id : model.ids()) {
                VectorRecord want = model.get(id);
                VectorRecord got = db.get(id);
                assertArrayEquals(want.vector(), got.vector(), id);
                assertEquals(want.metadata(), got.metadata(), id);
            }
        }
    }

    @Test
    void closeWithoutAnExplicitSaveKeepsEveryWrite() {
        Path p = tmp.resolve("db");
        try (Database db = Database.open(p, Config.dim(4).metric("l2"))) {
            for (int i = 0; i < 40; i++) {
                write(db, i);
            }
        }
        try (Database db = Database.open(p)) {
            assertHasWrites(db, 40);
        }
    }

    @Test
    void killedBeforeAnySaveRecoversEveryAcknowledgedWrite() throws Exception {
        killAndCheck("never", "default");
    }

    @Test
    void killedAfterASaveRecoversEveryAcknowledgedWrite() throws Exception {
        killAndCheck("midway", "default");
    }

    @Test
    void killedUnderSyncDurabilityRecoversEveryAcknowledgedWrite() throws Exception {
        killAndCheck("midway", "sync");
    }

    private void killAndCheck(String saveMode, String durability) throws Exception {
        Path p = tmp.resolve("db");
        int target = 60;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashChild.class.getName());
        cmd.add(p.toString());
        cmd.add(saveMode);
        cmd.add(durability);
        cmd.add(Integer.toString(target));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        int acked = -1;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                if (line.startsWith("ACK ")) {
                    acked = Integer.parseInt(line.substring(4));
                    if (acked + 1 >= target) {
                        break;
                    }
                }
            }
            assertTrue(acked + 1 >= target, "child stopped early: " + output);
            // The child holds the directory: another process cannot open it (DEPARTURES.md D9).
            assertThrows(DatabaseLockedException.class, () -> Database.open(p));
        } finally {
            child.destroyForcibly(); // SIGKILL: no close, no save, no shutdown hooks
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertFalse(child.isAlive());
        try (Database db = Database.open(p)) {
            assertHasWrites(db, acked + 1);
        }
    }
}
