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
                assertEquals(i + 1, w.append((byte) ((i * 37) & 0x7F), p, i % 2 == 0));
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
                assertEquals((byte) ((i * 37) & 0x7F), records.get(i).type());
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
            if (cut < WalFormat.HEADER_BYTES) {
                // No crash leaves a segment without its header (it is written before the file gets its name): damage.
                assertThrows(LogDamageException.class, () -> replay(h, d, 0), "cut at " + cut);
                assertEquals(cut, Files.size(d.resolve("wal.vctrs")), "a refused open changes nothing");
                continue;
            }
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
    void aDamagedSealedSegmentRefusesToOpenOrOpensUpToTheDamageKeepingTheRestAside() throws IOException {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 6; i++) {
                w.append((byte) 1, payloadFor(i, 5), i >= 5); // records 5 and 6 acknowledged as SYNC writes
                if (i % 2 == 0) {
                    w.roll();
                }
            }
        }
        Path middle = dir.resolve(WalFormat.sealedName(3));
        byte[] bytes = Files.readAllBytes(middle);
        bytes[bytes.length - 1] ^= 1; // record 4's checksum
        Files.write(middle, bytes);
        List<String> before = listing();
        // By default: refused, naming the segment, and nothing changed (records 5 and 6 are still there).
        LogDamageException e = assertThrows(LogDamageException.class, () -> WalWriter.open(dir, 0, null));
        assertEquals(middle, e.file());
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("after LSN 3"),
                e.getMessage());
        assertEquals(before, listing());
        assertArrayEquals(bytes, Files.readAllBytes(middle));
        // On request: open up to the damage; the damaged segment is copied aside, later segments renamed aside.
        List<WalReader.Record> records = new ArrayList<>();
        try (WalWriter w = WalWriter.open(dir, 0, (lsn, type, payload) -> records.add(
                new WalReader.Record(lsn, type, new byte[0])), WalOpenMode.OPEN_UP_TO_DAMAGE)) {
            assertEquals(List.of(1L, 2L, 3L), records.stream().map(WalReader.Record::lsn).toList());
            assertEquals(middle, w.recovery().tornFile());
            assertEquals("checksum mismatch", w.recovery().reason());
            assertTrue(w.recovery().damaged());
            assertFalse(w.recovery().clean());
            assertEquals(3, w.recovery().setAside().size(), w.recovery().toString());
            for (Path aside : w.recovery().setAside()) {
                assertTrue(Files.exists(aside), aside.toString());
            }
            assertEquals(4, w.append((byte) 1, payloadFor(4, 5), false));
        }
        assertFalse(Files.exists(dir.resolve(WalFormat.sealedName(5))));
        assertEquals(4, WalReader.readAll(dir, 0).size());
        // What was set aside still holds records 5 and 6, byte for byte.
        Path asideOf5 = null;
        for (String name : listing()) {
            if (name.startsWith(WalFormat.sealedName(5) + ".damaged-")) {
                asideOf5 = dir.resolve(name);
            }
        }
        assertTrue(asideOf5 != null, listing().toString());
        Path check = Files.createDirectories(dir.resolve("check"));
        Files.copy(asideOf5, check.resolve(WalFormat.sealedName(5)));
        assertEquals(List.of(5L, 6L), WalReader.readAll(check, 4).stream().map(WalReader.Record::lsn).toList());
    }

    private List<String> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMissingOrEmptyLogWhereTheSnapshotSaysOneContinuesIsDamage() throws IOException {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 5; i++) {
                w.append((byte) 1, payloadFor(i, 5), false);
            }
            w.roll();
            w.trimUpTo(5); // a save covering LSN 5: the log continues at 6 in an empty active segment
        }
        Path active = dir.resolve(WalFormat.ACTIVE_NAME);
        byte[] good = Files.readAllBytes(active);
        Files.delete(active);
        LogDamageException e = assertThrows(LogDamageException.class, () -> WalWriter.open(dir, 5, null));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(Files.exists(active), "a refused open creates nothing");
        Files.write(active, new byte[0]);
        e = assertThrows(LogDamageException.class, () -> WalWriter.open(dir, 5, null));
        assertTrue(e.getMessage().contains("empty segment file"), e.getMessage());
        assertEquals(0, Files.size(active));
        // On request it opens, continuing after the snapshot, and says what it found.
        Files.delete(active);
        try (WalWriter w = WalWriter.open(dir, 5, null, WalOpenMode.OPEN_UP_TO_DAMAGE)) {
            assertTrue(w.recovery().damaged(), w.recovery().toString());
            assertEquals(6, w.nextLsn());
        }
        Files.write(active, good);
        try (WalWriter w = WalWriter.open(dir, 5, null)) {
            assertTrue(w.recovery().clean(), w.recovery().toString());
            assertEquals(6, w.nextLsn());
        }
    }

    @Test
    void aBatchTornAnywhereIsDroppedWhole() throws IOException {
        Path source = Files.createDirectories(dir.resolve("source"));
        long batchStart;
        try (WalWriter w = WalWriter.open(source, 0, null)) {
            w.append((byte) 1, payloadFor(1, 7), false);
            batchStart = Files.size(source.resolve(WalFormat.ACTIVE_NAME));
            w.maxWriteBytes(100); // several writes for one batch
            byte[][] payloads = new byte[12][];
            byte[] types = new byte[12];
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = payloadFor(2 + i, 30);
                types[i] = 2;
            }
            assertEquals(13, w.appendBatch(types, payloads, false));
            w.append((byte) 3, payloadFor(14, 7), false);
        }
        byte[] full = Files.readAllBytes(source.resolve(WalFormat.ACTIVE_NAME));
        long batchEnd = full.length - (WalFormat.RECORD_OVERHEAD + 7);
        Path d = Files.createDirectories(dir.resolve("cut"));
        for (long cut = batchStart; cut <= full.length; cut++) {
            rewrite(d.resolve(WalFormat.ACTIVE_NAME), java.util.Arrays.copyOf(full, (int) cut));
            List<Long> lsns = new ArrayList<>();
            WalRecovery r = WalReader.scan(d, 0, (lsn, type, payload) -> lsns.add(lsn));
            List<Long> want = cut < batchEnd ? List.of(1L) : cut < full.length ? range(1, 13) : range(1, 14);
            assertEquals(want, lsns, "cut at " + cut + ": " + r);
            if (cut > batchStart && cut < batchEnd) {
                assertEquals(cut - batchStart, r.bytesDropped(), "the cut goes back to the batch start, " + cut);
            }
        }
        // The repairing open cuts at the batch start and continues the LSNs from there.
        rewrite(d.resolve(WalFormat.ACTIVE_NAME), java.util.Arrays.copyOf(full, (int) batchEnd - 1));
        try (WalWriter w = WalWriter.open(d, 0, null)) {
            assertEquals(2, w.nextLsn());
            assertEquals(batchStart, Files.size(d.resolve(WalFormat.ACTIVE_NAME)));
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void aFailedLaterWriteOfABatchLeavesNothingReplayable() throws IOException {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            w.append((byte) 1, payloadFor(1, 7), false);
            w.maxWriteBytes(100);
            int[] writes = {0};
            // The third write of the batch fails (disk full), and so does the cut-back that would undo the first two.
            dev.quiver.storage.FaultInjection.install((op, file) -> {
                if (!file.startsWith(dir)) {
                    return;
                }
                if (op == dev.quiver.storage.FaultInjection.Op.WRITE && ++writes[0] == 3
                        || op == dev.quiver.storage.FaultInjection.Op.TRUNCATE) {
                    throw new IOException("No space left on device (injected " + op + ")");
                }
            });
            try {
                byte[][] payloads = new byte[12][];
                byte[] types = new byte[12];
                for (int i = 0; i < payloads.length; i++) {
                    payloads[i] = payloadFor(2 + i, 30);
                    types[i] = 2;
                }
                assertThrows(dev.quiver.storage.StoreIOException.class, () -> w.appendBatch(types, payloads, false));
            } finally {
                dev.quiver.storage.FaultInjection.clear();
            }
            assertTrue(Files.size(dir.resolve(WalFormat.ACTIVE_NAME)) > 100, "two writes of the batch are on disk");
        }
        // The batch's first writes are in the file, but without its last record none of it replays.
        assertEquals(List.of(1L), WalReader.readAll(dir, 0).stream().map(WalReader.Record::lsn).toList());
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            assertEquals(2, w.nextLsn());
            assertFalse(w.recovery().damaged());
        }
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

    @Test
    void aVersionOneLogStillReplaysAndIsSealedBeforeVersionTwoRecordsFollow() throws IOException {
        try (WalWriter w = WalWriter.open(dir, 0, null)) {
            for (int i = 1; i <= 3; i++) {
                w.append((byte) 1, payloadFor(i, 9), false); // single records: no batch marks, as version 1 wrote
            }
        }
        Path active = dir.resolve(WalFormat.ACTIVE_NAME);
        byte[] bytes = Files.readAllBytes(active);
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(4, WalFormat.VERSION_1);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, 20);
        header.putInt(20, (int) crc.getValue());
        Files.write(active, bytes);
        WalWriter[] h = new WalWriter[1];
        assertEquals(List.of(1L, 2L, 3L), replay(h, dir, 0).stream().map(WalReader.Record::lsn).toList());
        try (WalWriter w = h[0]) {
            assertTrue(w.recovery().clean(), w.recovery().toString());
            assertTrue(Files.exists(dir.resolve(WalFormat.sealedName(1))), "the version 1 segment is sealed");
            assertEquals(6, w.appendBatch(new byte[] {2, 2, 2}, new byte[][] {payloadFor(4, 5), payloadFor(5, 5),
                payloadFor(6, 5)}, false));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L),
                WalReader.readAll(dir, 0).stream().map(WalReader.Record::lsn).toList());
        assertEquals(List.of((byte) 1, (byte) 1, (byte) 1, (byte) 2, (byte) 2, (byte) 2),
                WalReader.readAll(dir, 0).stream().map(WalReader.Record::type).toList());
    }
}
