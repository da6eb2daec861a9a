package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.wal.WalWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends to the WAL and saves generations, at random moments, and checks after each kill
 * that every LSN the child reported is recovered (from the generation or the log), that recovered records carry
 * exactly the bytes written, and that nothing past a torn point is invented. 20 kills normally (about 20 s);
 * {@code -Dquiver.soak=true} runs 200.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
        boolean soak = Boolean.getBoolean("quiver.soak");
        int cycles = soak ? 200 : 20;
        long seed = Long.getLong("quiver.seed", System.nanoTime());
        Random random = new Random(seed);
        long maxAcknowledged = 0;
        long startNanos = System.nanoTime();
        int kills = 0;
        int tornTails = 0;
        long acknowledgedRecords = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            if (!soak && cycle >= 5 && System.nanoTime() - startNanos > 30_000_000_000L) {
                break; // a loaded machine: keep the normal run bounded
            }
            String context = "seed " + seed + ", cycle " + cycle;
            List<String> printed = new ArrayList<>();
            try (ChildProcess child = new ChildProcess("wal", dir.toString(), Long.toString(random.nextLong()))) {
                String ready = child.awaitLine(60);
                assertTrue(ready.startsWith("ready "), context + ": " + ready);
                assertEquals(maxAcknowledged + 1, Long.parseLong(ready.substring(6)),
                        context + ": the child continues right after the last acknowledged record");
                Thread.sleep(random.nextInt(150));
                printed.addAll(child.kill());
                kills++;
            }
            for (String line : printed) {
                if (!line.isEmpty()) {
                    maxAcknowledged = Math.max(maxAcknowledged, Long.parseLong(line.trim()));
                    acknowledgedRecords++;
                }
            }
            WalRecoveryCheck check = verify(dir, maxAcknowledged, context);
            maxAcknowledged = check.lastLsn();
            tornTails += check.torn() ? 1 : 0;
        }
        System.out.println("crash test: seed " + seed + ", " + kills + " kills, " + acknowledgedRecords
                + " acknowledged records, " + tornTails + " torn tails cut, last LSN " + maxAcknowledged);
        assertTrue(kills >= 5, "only " + kills + " kill cycles ran");
        assertTrue(acknowledgedRecords > 0, "the children never acknowledged a record");
    }

    private record WalRecoveryCheck(long lastLsn, boolean torn) {
    }

    /** Reopens the database and checks it; returns the last recovered LSN. */
    private static WalRecoveryCheck verify(Path dir, long maxAcknowledged, String context) {
        try (DatabaseDirectory store = DatabaseDirectory.open(dir, false)) {
            Generation g = store.current();
            long covered = 0;
            if (g != null) {
                covered = g.walLsn();
                assertEquals(Long.toString(covered), g.properties().get("covered"), context);
                try (ReadableStream in = g.openStream("state")) {
                    assertEquals(covered, in.readLong(), context);
                }
                int count = CrashChild.markCount(covered);
                assertEquals(count, g.recordCount("marks"), context);
                try (LongSlab marks = new LongSlab(g.openSlab("marks", Long.BYTES))) {
                    for (int i = 0; i < count; i++) {
                        assertEquals(CrashChild.markValue(covered, i), marks.get(i), context);
                    }
                }
                g.verify();
            }
            long[] expected = {covered + 1};
            WalWriter wal = store.openWal((lsn, type, payload) -> {
                assertEquals(expected[0], lsn, context + ": LSNs are consecutive");
                byte[] bytes = new byte[payload.remaining()];
                payload.get(bytes);
                assertArrayEquals(CrashChild.payloadFor(lsn), bytes, context + ": record " + lsn + " is genuine");
                expected[0]++;
            });
            long last = wal.lastLsn();
            assertTrue(last >= maxAcknowledged, context + ": acknowledged LSN " + maxAcknowledged
                    + " lost; recovered up to " + last + " (" + wal.recovery() + ")");
            return new WalRecoveryCheck(last, !wal.recovery().clean());
        }
    }
}
