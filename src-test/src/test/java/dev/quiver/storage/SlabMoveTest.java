package dev.quiver.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Slab#moveMappedToAnonymous}: mapped vectors copied into huge-page memory while readers and writers keep
 * going. Checked against a model of every record; the file must never change.
 */
class SlabMoveTest {

    static final int DIM = 17;
    static final int CHUNK_SHIFT = 10; // 1,024 records (68 KiB) per chunk
    static final int CHUNKS = 200;     // 14 MB: the move takes long enough for writes to land during it
    static final int RECORDS = CHUNKS << CHUNK_SHIFT;

    @TempDir
    Path dir;

    private Path writeFile(float[][] model) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(RECORDS * DIM * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : model) {
            for (float x : row) {
                bytes.putFloat(x);
            }
        }
        Path file = dir.resolve("vectors");
        Files.write(file, bytes.array());
        return file;
    }

    private static float[][] randomRows(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[RECORDS][DIM];
        for (float[] row : rows) {
            for (int j = 0; j < DIM; j++) {
                row[j] = (float) random.nextDouble(-1, 1);
            }
        }
        return rows;
    }

    private static VectorSlab map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new VectorSlab(Slab.openPrivate(file, channel, 0, Files.size(file), DIM * 4L, CHUNK_SHIFT), DIM);
        }
    }

    @Test
    void writesDuringTheMoveAreKeptAndTheFileNeverChanges() throws Exception {
        assumeTrue(HugePages.available(), "no transparent huge pages or no native access here");
        // Whether a write lands while the background copy runs is up to the scheduler (a quiet machine can finish
        // the 14 MB copy before the writer's first write): try again with a fresh mapping until one does.
        for (int attempt = 0; attempt < 20; attempt++) {
            if (writesDuringOneMove(20261204L + attempt)) {
                return;
            }
        }
        fail("no write overlapped the move in 20 attempts");
    }

    /** One mapping, moved while written: checks everything; returns whether any write overlapped the move. */
    private boolean writesDuringOneMove(long seed) throws Exception {
        float[][] model = randomRows(seed);
        Path file = writeFile(model);
        byte[] before = Files.readAllBytes(file);
        int writesWhilePending = 0;
        try (VectorSlab slab = map(file)) {
            assertTrue(slab.slab().chunkOnFile(0));
            Class<?> kind = slab.slab().chunk(0).getClass();
            assertTrue(slab.slab().moveMappedToAnonymousInBackground());
            SplittableRandom random = new SplittableRandom(seed + 1);
            int writes = 0;
            // Keep writing (random records, random values) until the move is over, then a few more.
            while (slab.slab().movePending() || writes < 20_000) {
                if (slab.slab().movePending()) {
                    writesWhilePending++;
                }
                int r = random.nextInt(RECORDS);
                float[] row = new float[DIM];
                for (int j = 0; j < DIM; j++) {
                    row[j] = (float) random.nextDouble(-1, 1);
                }
                slab.set(r, row);
                model[r] = row;
                writes++;
                if (writes % 64 == 0) {
                    int probe = random.nextInt(RECORDS); // a reader during the move sees the latest write
                    assertArrayEquals(model[probe], slab.get(probe), "record " + probe + " after " + writes
                            + " writes, seed " + seed);
                }
            }
            for (int i = 0; i < CHUNKS; i++) {
                assertFalse(slab.slab().chunkOnFile(i), "chunk " + i + " moved off the file, seed " + seed);
            }
            for (int r = 0; r < RECORDS; r++) {
                assertArrayEquals(model[r], slab.get(r), "record " + r + ", seed " + seed);
            }
            slab.slab().ensureCapacity(RECORDS + 1); // growth after the move: a plain off-heap chunk
            assertEquals(CHUNKS + 1, slab.slab().chunkCount());
            for (int i = 0; i < slab.slab().chunkCount(); i++) {
                assertSame(kind, slab.slab().chunk(i).getClass(), "chunk " + i + ": one kind of segment throughout");
            }
        }
        assertArrayEquals(before, Files.readAllBytes(file), "the file is never written, seed " + seed);
        return writesWhilePending > 0;
    }

    @Test
    void movedBytesCountAgainstTheProcessBudgetUntilTheSlabCloses() throws Exception {
        assumeTrue(HugePages.available(), "no transparent huge pages or no native access here");
        Path file = writeFile(randomRows(11));
        long baseline = HugePages.heldBytes();
        VectorSlab slab = map(file);
        try {
            assertTrue(slab.slab().moveMappedToAnonymous());
            long held = HugePages.heldBytes() - baseline;
            assertTrue(held >= Files.size(file) && held <= Files.size(file) + 2 * HugePages.HUGE_PAGE,
                    "held " + held + " for a " + Files.size(file) + "-byte slab");
        } finally {
            slab.close();
        }
        assertEquals(baseline, HugePages.heldBytes(), "closing the slab gives its huge-page bytes back");
    }

    @Test
    void closingDuringTheMoveIsSafe() throws Exception {
        assumeTrue(HugePages.available(), "no transparent huge pages or no native access here");
        Path file = writeFile(randomRows(7));
        for (int attempt = 0; attempt < 20; attempt++) {
            VectorSlab slab = map(file);
            slab.slab().moveMappedToAnonymousInBackground();
            slab.close();
            assertTrue(slab.slab().isClosed());
            assertThrows(ClosedStoreException.class, () -> slab.get(0));
            assertFalse(slab.slab().moveMappedToAnonymous(), "nothing to move once closed");
        }
    }

    /**
     * Mapped chunks are plain native views ({@code PlainSegments}) where this module has native access, so a slab
     * opened from a file and grown afterwards holds one kind of segment: kernels that met the JDK's mapped-file class
     * and its plain native class together were compiled, trapped and recompiled over and over (session8.md).
     */
    @Test
    void mappedAndGrownChunksAreOneKindOfSegment() throws Exception {
        assumeTrue(Slab.class.getModule().isNativeAccessEnabled(), "no native access for the storage module here");
        Path file = dir.resolve("one-kind");
        Files.write(file, new byte[DIM * 4 << CHUNK_SHIFT]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             VectorSlab slab = new VectorSlab(Slab.openPrivate(file, channel, 0, Files.size(file), DIM * 4L,
                     CHUNK_SHIFT), DIM)) {
            slab.slab().ensureCapacity(3 << CHUNK_SHIFT);
            assertEquals(3, slab.slab().chunkCount());
            assertTrue(slab.slab().chunkOnFile(0));
            assertFalse(slab.slab().chunkOnFile(1));
            assertFalse(slab.slab().chunk(0).isMapped());
            assertSame(slab.slab().chunk(0).getClass(), slab.slab().chunk(2).getClass());
            slab.set(5, new float[DIM]); // a copy-on-write page: the file stays as it was
        }
        assertArrayEquals(new byte[DIM * 4 << CHUNK_SHIFT], Files.readAllBytes(file));
    }

    @Test
    void switchedOffItLeavesTheMappingAlone() throws Exception {
        Path file = writeFile(randomRows(3));
        String previous = System.getProperty("quiver.hugePages");
        System.setProperty("quiver.hugePages", "false");
        try (VectorSlab slab = map(file)) {
            assertFalse(slab.slab().moveMappedToAnonymousInBackground());
            assertFalse(slab.slab().movePending());
            assertFalse(slab.slab().moveMappedToAnonymous());
            assertTrue(slab.slab().chunkOnFile(0));
        } finally {
            if (previous == null) {
                System.clearProperty("quiver.hugePages");
            } else {
                System.setProperty("quiver.hugePages", previous);
            }
        }
        Path small = dir.resolve("small");
        Files.write(small, new byte[DIM * 4 << CHUNK_SHIFT]); // one 68 KiB chunk: under HugePages.MIN_BYTES
        try (FileChannel channel = FileChannel.open(small, StandardOpenOption.READ, StandardOpenOption.WRITE);
             VectorSlab slab = new VectorSlab(Slab.openPrivate(small, channel, 0, Files.size(small), DIM * 4L,
                     CHUNK_SHIFT), DIM)) {
            assertFalse(slab.slab().moveMappedToAnonymousInBackground(), "too small to be worth a huge page");
            assertTrue(slab.slab().chunkOnFile(0));
        }
        try (VectorSlab empty = new VectorSlab(Slab.allocate(DIM * 4L, CHUNK_SHIFT), DIM)) {
            assertFalse(empty.slab().moveMappedToAnonymousInBackground(), "nothing mapped, nothing to move");
        }
    }

    @Test
    void codeRecordWritesDuringTheMoveAreKept() throws Exception {
        assumeTrue(HugePages.available(), "no transparent huge pages or no native access here");
        int width = 33; // bytes per code record (an odd dimension)
        int shift = 12;
        int records = 96 << shift; // 96 chunks of 132 KiB: 12.4 MB, over HugePages.MIN_BYTES
        long seed = 20261205L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] model = new byte[records][width];
        byte[] all = new byte[records * width];
        for (int r = 0; r < records; r++) {
            random.nextBytes(model[r]);
            System.arraycopy(model[r], 0, all, r * width, width);
        }
        Path file = dir.resolve("codes");
        Files.write(file, all);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             ByteRecordSlab codes = new ByteRecordSlab(Slab.openPrivate(file, channel, 0, Files.size(file), width,
                     shift), width)) {
            assertTrue(codes.slab().moveMappedToAnonymousInBackground());
            int writes = 0;
            while (codes.slab().movePending() || writes < 20_000) {
                int r = random.nextInt(records);
                byte[] row = new byte[width];
                random.nextBytes(row);
                if (writes % 2 == 0) {
                    codes.set(r, row);
                } else {
                    for (int i = 0; i < width; i++) {
                        codes.setByte(r, i, row[i]);
                    }
                }
                model[r] = row;
                writes++;
            }
            for (int r = 0; r < records; r++) {
                assertArrayEquals(model[r], codes.get(r), "record " + r + ", seed " + seed);
            }
            assertFalse(codes.slab().chunkOnFile(0), "moved off the file");
        }
        assertArrayEquals(all, Files.readAllBytes(file), "the file is never written");
    }

    /**
     * Seqlocked lists (the graph's layout: {@code [version][count][entries]}) written and read while the slab moves.
     * A writer makes the version odd, fills every entry of a record with one value, then makes it even; a reader that
     * validates its copy must never see two different values in one record (a torn list), and the final contents
     * must equal the model. Seed in the messages.
     */
    @Test
    void seqlockedListsStayConsistentAcrossTheMove() throws Exception {
        assumeTrue(HugePages.available(), "no transparent huge pages or no native access here");
        int ints = 2 + 32; // version, count, 32 entries: the layer-0 record of M = 16
        int shift = 8;
        int records = 400 << shift; // 400 chunks of 34 KiB: 13.9 MB, over HugePages.MIN_BYTES
        long seed = 20261205L + 7;
        SplittableRandom random = new SplittableRandom(seed);
        int[] model = new int[records]; // the value every entry of a record holds
        ByteBuffer bytes = ByteBuffer.allocate(records * ints * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < records; r++) {
            model[r] = random.nextInt(1 << 30);
            bytes.putInt(0).putInt(32);
            for (int j = 0; j < 32; j++) {
                bytes.putInt(model[r]);
            }
        }
        Path file = dir.resolve("layer0");
        Files.write(file, bytes.array());
        int finalRecords = records;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             IntRecordSlab lists = new IntRecordSlab(Slab.openPrivate(file, channel, 0, Files.size(file),
                     ints * 4L, shift), ints)) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<String> torn = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicLong validated = new java.util.concurrent.atomic.AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                SplittableRandom rr = new SplittableRandom(seed + 1);
                int[] copy = new int[32];
                while (!stop.get()) {
                    int r = rr.nextInt(finalRecords);
                    int before = lists.getIntAcquire(r, 0);
                    if ((before & 1) != 0) {
                        continue;
                    }
                    int count = lists.getInt(r, 1);
                    lists.getInts(r, 2, copy, 32);
                    java.lang.invoke.VarHandle.loadLoadFence();
                    if (lists.getInt(r, 0) != before) {
                        continue;
                    }
                    validated.incrementAndGet();
                    for (int j = 1; j < 32; j++) {
                        if (copy[j] != copy[0] || count != 32) {
                            torn.compareAndSet(null, "record " + r + " read torn: entry " + j + " = " + copy[j]
                                    + ", entry 0 = " + copy[0] + ", count " + count + ", seed " + seed);
                        }
                    }
                }
            });
            assertTrue(lists.slab().moveMappedToAnonymousInBackground());
            int writes = 0;
            int[] row = new int[32];
            while (lists.slab().movePending() || writes < 20_000) {
                int r = random.nextInt(records);
                int value = random.nextInt(1 << 30);
                int version = lists.getInt(r, 0);
                lists.setInt(r, 0, version + 1);
                if (writes % 2 == 0) {
                    java.util.Arrays.fill(row, value);
                    lists.setInts(r, 2, row, 32);
                } else {
                    for (int j = 0; j < 32; j++) {
                        lists.setInt(r, 2 + j, value);
                    }
                }
                lists.setInt(r, 1, 32);
                lists.setIntRelease(r, 0, version + 2);
                model[r] = value;
                writes++;
            }
            stop.set(true);
            reader.join();
            assertEquals(null, torn.get());
            assertTrue(validated.get() > 0, "the reader validated some lists");
            for (int r = 0; r < records; r++) {
                assertEquals(0, lists.getInt(r, 0) & 1, "record " + r + " left odd, seed " + seed);
                for (int j = 0; j < 32; j++) {
                    assertEquals(model[r], lists.getInt(r, 2 + j), "record " + r + ", entry " + j + ", seed " + seed);
                }
            }
            assertFalse(lists.slab().chunkOnFile(0), "moved off the file");
        }
    }
}
