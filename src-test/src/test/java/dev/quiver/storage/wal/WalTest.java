package dev.quiver.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ClosedStoreException;
import dev.quiver.storage.CorruptFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path dir;

    /** Deterministic payload for an LSN, so a replayed record can be checked without remembering it. */
    static byte[] payloadFor(long lsn, int length) {
        byte[] b = new byte[length];
        Random r = new Random(lsn * 31 + length);
        r.nextBytes(b);
        return b;
    }

    static List<WalReader.Record> replay(WalWriter[] holder, Path dir, long covered) {
        List<WalReader.Record> out = new ArrayList<>();
        holder[0] = WalWriter.open(dir, covered, (lsn, type, payload) -> {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            out.add(new WalReader.Record(lsn, type, bytes));
        });
        return out;
    }

    @Test
    @Tag("scalar-path")
    void recordsRoundTripWithEveryFieldAndSize() {
        int[] sizes = {0, 1, 2, 13, 100, 65_535, 65_536, 70_001, 3 << 20};
        List<byte[]> written = new ArrayList<>();
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            assertTrue(w.recovery().clean());
            assertEquals(1, w.nextLsn());
            for (int i = 0; i < sizes.length; i++) {
                byte[] p = payloadFor(i + 1, sizes[i]);
                written.add(p);
                assertEquals(i + 1, w.append((byte) (i * 37 - 128), p, i % 2 == 0));
            }
            byte[] big = payloadFor(99, 10);
            assertEquals(sizes.length + 1, w.append((byte) 5, new byte[] {9, 9, 9, 9}, 1, 2, false));
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(8).put(new byte[] {4, 4, 4, 4, 4, 4, 4, 4});
            direct.position(6);
            assertEquals(sizes.length + 2, w.append((byte) 6, direct, true));
            assertEquals(6, direct.position(), "payload buffer not consumed");
            written.add(new byte[] {9, 9});
            written.add(new byte[] {4, 4});
            long last = w.appendBatch(new byte[] {1, 2, 3}, new byte[][] {big, new byte[0], big}, true);
            written.add(big);
            written.add(new byte[0]);
            written.add(big);
            assertEquals(sizes.length + 5, last);
        }
        WalWriter[] h = new WalWriter[1];
        List<WalReader.Record> records = replay(h, dir, 0);
        try (WalWriter w = h[0]) {
            assertTrue(w.recovery().clean(), w.recovery().toString());
            assertEquals(written.size(), records.size());
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i + 1, records.get(i).lsn());
                assertArrayEquals(written.get(i), records.get(i).payload(), "record " + (i + 1));
            }
            for (int i = 0; i < sizes.length; i++) {
                assertEquals((byte) (i * 37 - 128), records.get(i).type());
            }
            assertEquals(3, records.get(records.size() - 1).type());
            assertEquals(written.size() + 1, w.nextLsn());
            assertEquals(written.size(), w.recovery().lastLsn());
        }
        assertEquals(written.size() - 5, WalReader.readAll(dir, 5).size());
        assertTrue(WalReader.hasRecordsAfter(dir, 0));
        assertFalse(WalReader.hasRecordsAfter(dir, written.size()));
    }

    @Test
    void emptyLogReopensEmptyAndKeepsItsFileName() {
        WalWriter.open(dir, 0, null).close();
        assertTrue(Files.exists(dir.resolve("wal.vctrs")));
        WalWriter[] h = new WalWriter[1];
        assertEquals(0, replay(h, dir, 0).size());
        try (WalWriter w = h[0]) {
            assertEquals(1, w.nextLsn());
            assertEquals(0, w.recovery().lastLsn());
        }
    }

    @Test
    void recordsCoveredByTheSnapshotAreSkippedAndCounted() {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 10; i++) {
                w.append((byte) 1, payloadFor(i, i), false);
            }
        }
        WalWriter[] h = new WalWriter[1];
        List<WalReader.Record> records = replay(h, dir, 7);
        h[0].close();
        assertEquals(List.of(8L, 9L, 10L), records.stream().map(WalReader.Record::lsn).toList());
        assertEquals(7, h[0].recovery().recordsSkipped());
        assertEquals(3, h[0].recovery().recordsReplayed());
    }

    /**
     * Replaces a file by a new one: deleting first avoids ext4's flush-on-close after a truncation (auto_da_alloc),
     * which makes a loop of rewrites a hundred times slower.
     */
    static void rewrite(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        Files.write(file, bytes);
    }

    /** Writes a small log of varied records and returns the file bytes and each record's end offset. */
    private byte[] smallLog(Path logDir, List<Long> recordEnds) throws IOException {
        Files.createDirectories(logDir);
        try (WalWriter w = WalWriter.open(logDir, 0, null)) {
            int[] sizes = {3, 0, 17, 1, 40};
            long end = WalFormat.HEADER_BYTES;
            for (int i = 0; i < sizes.length; i++) {
                w.append((byte) (i + 1), payloadFor(i + 1, sizes[i]), false);
                end += WalFormat.RECORD_OVERHEAD + sizes[i];
                recordEnds.add(end);
            }
        }
        return Files.readAllBytes(logDir.resolve("wal.vctrs"));
    }

    @Test
    void tornWalTailIsTruncatedAtLastGoodRecordForEveryCut() throws IOException {
        List<Long> ends = new ArrayList<>();
        byte[] full = smallLog(dir.resolve("source"), ends);
        assertEquals(ends.getLast().longValue(), full.length);
        Path scanned = Files.createDirectories(dir.resolve("scan"));
        for (int cut = 0; cut <= full.length; cut++) {
            int intact = 0;
            for (long e : ends) {
                if (e <= cut) {
                    intact++;
                }
            }
            long goodEnd = intact == 0 ? (cut >= WalFormat.HEADER_BYTES ? WalFormat.HEADER_BYTES : 0) : ends.get(intact - 1);
            long dropped = cut - goodEnd;
            // Every cut is scanned read-only; the repairing open (which forces files) runs on every third cut and
            // on both sides of every record boundary, to keep the test fast.
            rewrite(scanned.resolve("wal.vctrs"), java.util.Arrays.copyOf(full, cut));
            List<Long> lsns = new ArrayList<>();
            WalRecovery scan = WalReader.scan(scanned, 0, (lsn, type, payload) -> lsns.add(lsn));
            assertEquals(intact, lsns.size(), "cut at " + cut);
            assertEquals(dropped, scan.bytesDropped(), "cut at " + cut + ": " + scan);
            boolean nearBoundary = false;
            for (long e : ends) {
                nearBoundary |= Math.abs(e - cut) <= 1;
            }
            if (cut % 3 != 0 && !nearBoundary && cut != WalFormat.HEADER_BYTES) {
                continue;
            }
            Path d = Files.createDirectories(dir.resolve("cut" + cut));
            Files.write(d.resolve("wal.vctrs"), java.util.Arrays.copyOf(full, cut));
            WalWriter[] h = new WalWriter[1];
            List<WalReader.Record> records = replay(h, d, 0);
            try (WalWriter w = h[0]) {
                assertEquals(intact, records.size(), "cut at " + cut);
                for (int i = 0; i < intact; i++) {
                    assertEquals(i + 1, records.get(i).lsn());
                    assertArrayEquals(payloadFor(i + 1, records.get(i).payload().length), records.get(i).payload());
                }
                assertEquals(dropped, w.recovery().bytesDropped(), "cut at " + cut + ": " + w.recovery());
                assertEquals(dropped == 0 && cut >= WalFormat.HEADER_BYTES, w.recovery().clean(), "cut at " + cut);
                // The log continues right after the intact prefix.
                assertEquals(intact + 1, w.append((byte) 9, new byte[] {1}, false));
            }
            List<WalReader.Record> again = WalReader.readAll(d, 0);
            assertEquals(intact + 1, again.size(), "cut at " + cut);
            assertEquals(intact + 1, again.getLast().lsn());
        }
    }

    @Test
    void everyFlippedBitEndsTheLogBeforeTheDamagedRecord() throws IOException {
        List<Long> ends = new ArrayList<>();
        byte[] full = smallLog(dir.resolve("source"), ends);
        Path d = Files.createDirectories(dir.resolve("flip"));
        for (int bit = 0; bit < full.length * 8; bit++) {
            byte[] damaged = full.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            rewrite(d.resolve("wal.vctrs"), damaged);
            int byteOffset = bit / 8;
            int intact = 0;
            if (byteOffset >= WalFormat.HEADER_BYTES) {
                while (ends.get(intact) <= byteOffset) {
                    intact++;
                }
            }
            List<WalReader.Record> records = new ArrayList<>();
            WalRecovery r = WalReader.scan(d, 0, (lsn, type, payload) -> records.add(
                    new WalReader.Record(lsn, type, new byte[0])));
            assertEquals(intact, records.size(), "bit " + bit);
            long goodEnd = intact == 0 ? (byteOffset < WalFormat.HEADER_BYTES ? 0 : WalFormat.HEADER_BYTES)
                    : ends.get(intact - 1);
            assertEquals(full.length - goodEnd, r.bytesDropped(), "bit " + bit);
            assertFalse(r.clean());
        }
    }

    @Test
    void concurrentSyncAppendersShareForcesAndLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 150;
        ConcurrentLinkedQueue<Long> lsns = new ConcurrentLinkedQueue<>();
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        byte[] p = ("t" + id + "-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        lsns.add(i % 10 == 9
                                ? w.appendBatch(new byte[] {(byte) id, (byte) id}, new byte[][] {p, p}, true)
                                : w.append((byte) id, p, true));
                    }
                });
                th.start();
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) {
                th.join();
            }
            long total = threads * perThread + threads * (perThread / 10);
            assertEquals(total, w.lastLsn());
            assertTrue(w.forceCount() >= 1 && w.forceCount() <= threads * perThread, "forces " + w.forceCount());
        }
        List<WalReader.Record> records = WalReader.readAll(dir, 0);
        assertEquals(threads * perThread + threads * (perThread / 10), records.size());
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (WalReader.Record r : records) {
            seen.merge(new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8), 1, Integer::sum);
        }
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertEquals(i % 10 == 9 ? 2 : 1, seen.get("t" + t + "-" + i), "t" + t + "-" + i);
            }
        }
        assertEquals(threads * perThread, lsns.size());
    }

    @Test
    void rollAndTrimDropOnlyCoveredRecords() {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 10; i++) {
                w.append((byte) 1, payloadFor(i, 5), false);
            }
            assertEquals(10, w.roll());
            assertEquals(2, w.segmentCount());
            assertTrue(Files.exists(dir.resolve(WalFormat.sealedName(1))));
            for (int i = 11; i <= 15; i++) {
                w.append((byte) 1, payloadFor(i, 5), false);
            }
            assertEquals(0, w.trimUpTo(9), "a segment still holding record 10 must stay");
            assertEquals(1, w.trimUpTo(10));
            assertFalse(Files.exists(dir.resolve(WalFormat.sealedName(1))));
            assertEquals(List.of(11L, 12L, 13L, 14L, 15L),
                    WalReader.readAll(dir, 10).stream().map(WalReader.Record::lsn).toList());
            assertEquals(0, w.trimUpTo(14), "the active segment still holds record 15");
            assertEquals(1, w.trimUpTo(15));
            assertEquals(16, w.nextLsn());
            assertEquals(WalFormat.HEADER_BYTES, w.sizeBytes());
        }
        WalWriter[] h = new WalWriter[1];
        assertEquals(0, replay(h, dir, 15).size());
        try (WalWriter w = h[0]) {
            assertEquals(16, w.append((byte) 1, payloadFor(16, 5), false));
        }
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> WalWriter.open(dir, 3, null));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void crashDuringRollLeavesARecoverableLog() throws IOException {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 4; i++) {
                w.append((byte) 1, payloadFor(i, 5), false);
            }
        }
        // The state between "active renamed to sealed" and "new active created".
        Files.move(dir.resolve("wal.vctrs"), dir.resolve(WalFormat.sealedName(1)));
        WalWriter[] h = new WalWriter[1];
        assertEquals(4, replay(h, dir, 0).size());
        try (WalWriter w = h[0]) {
            assertTrue(w.recovery().clean());
            assertEquals(5, w.append((byte) 1, payloadFor(5, 5), false));
        }
        assertEquals(5, WalReader.readAll(dir, 0).size());
    }

    @Test
    void aDamagedSealedSegmentCutsEverythingAfterIt() throws IOException {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 6; i++) {
                w.append((byte) 1, payloadFor(i, 5), false);
                if (i % 2 == 0) {
                    w.roll();
                }
            }
        }
        Path middle = dir.resolve(WalFormat.sealedName(3));
        byte[] bytes = Files.readAllBytes(middle);
        bytes[bytes.length - 1] ^= 1; // record 4's checksum
        Files.write(middle, bytes);
        WalWriter[] h = new WalWriter[1];
        List<WalReader.Record> records = replay(h, dir, 0);
        try (WalWriter w = h[0]) {
            assertEquals(List.of(1L, 2L, 3L), records.stream().map(WalReader.Record::lsn).toList());
            assertEquals(middle, w.recovery().tornFile());
            assertEquals("checksum mismatch", w.recovery().reason());
            assertEquals(4, w.append((byte) 1, payloadFor(4, 5), false));
        }
        assertFalse(Files.exists(dir.resolve(WalFormat.sealedName(5))));
        assertEquals(4, WalReader.readAll(dir, 0).size());
    }

    @Test
    void anInterruptedAppenderDoesNotBreakTheLog() throws Exception {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                w.append((byte) 1, payloadFor(1, 5), true);
                assertTrue(Thread.currentThread().isInterrupted(), "interrupt status restored");
            });
            t.start();
            t.join();
            assertEquals(2, w.append((byte) 1, payloadFor(2, 5), true));
        }
        assertEquals(2, WalReader.readAll(dir, 0).size());
    }

    @Test
    void closedLogRefusesAppends() {
        WalWriter w = WalWriter.open(dir, 0, null);
        w.close();
        w.close();
        assertThrows(ClosedStoreException.class, () -> w.append((byte) 1, new byte[1], false));
        assertThrows(IllegalArgumentException.class, () -> WalWriter.open(dir, -1, null));
    }

    @Test
    void logWithoutSnapshotStartsAfterTheCoveredLsnWhenItIsBehind() {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            w.append((byte) 1, payloadFor(1, 5), false);
        }
        // A snapshot covering LSN 5 and a log that only reached 1 (its tail was lost): continue at 6.
        try (WalWriter w = WalWriter.open(dir, 5, null)) {
            assertEquals(6, w.nextLsn());
            assertNull(w.recovery().tornFile());
        }
        assertEquals(List.of(), WalReader.readAll(dir, 5));
    }
}
