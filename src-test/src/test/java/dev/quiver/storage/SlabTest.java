package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SlabTest {

    @Test
    void emptySlabHasNoCapacityAndGrowsByWholeChunks() {
        try (Slab slab = Slab.allocate(12, 3)) {
            assertEquals(0, slab.capacity());
            assertEquals(0, slab.chunkCount());
            assertEquals(8, slab.recordsPerChunk());
            slab.ensureCapacity(1);
            assertEquals(8, slab.capacity());
            slab.ensureCapacity(8);
            assertEquals(1, slab.chunkCount());
            slab.ensureCapacity(9);
            assertEquals(16, slab.capacity());
            slab.ensureCapacity(0);
            assertEquals(2, slab.chunkCount());
            assertEquals(12 * 8, slab.chunk(1).byteSize());
        }
    }

    @Test
    void recordAddressingMatchesChunkAndOffset() {
        try (Slab slab = Slab.allocate(12, 2)) {
            slab.ensureCapacity(10);
            assertSame(slab.chunk(2), slab.chunkFor(9));
            assertEquals(12, slab.offsetInChunk(9));
            assertEquals(12, slab.record(9).byteSize());
            slab.record(9).set(LittleEndian.INT_UNALIGNED, 4, 77);
            assertEquals(77, slab.chunk(2).get(LittleEndian.INT_UNALIGNED, 16));
            assertThrows(IndexOutOfBoundsException.class, () -> slab.chunkFor(12));
            assertThrows(IndexOutOfBoundsException.class, () -> slab.chunkFor(-1));
        }
    }

    @Test
    void growthNeverMovesExistingChunks() {
        try (Slab slab = Slab.allocate(8, 4)) {
            slab.ensureCapacity(16);
            MemorySegment first = slab.chunk(0);
            first.set(LittleEndian.LONG, 8, 42L);
            slab.ensureCapacity(10_000);
            assertSame(first, slab.chunk(0));
            assertEquals(42L, slab.chunkFor(1).get(LittleEndian.LONG, slab.offsetInChunk(1)));
        }
    }

    @Test
    void closedSlabThrowsClosedStoreExceptionNotACrash() {
        Slab slab = Slab.allocate(16, 4);
        slab.ensureCapacity(5);
        MemorySegment stale = slab.chunkFor(0);
        slab.close();
        slab.close(); // idempotent
        assertTrue(slab.isClosed());
        assertThrows(ClosedStoreException.class, () -> slab.chunkFor(0));
        assertThrows(ClosedStoreException.class, slab::capacity);
        assertThrows(ClosedStoreException.class, () -> slab.ensureCapacity(100));
        assertThrows(IllegalStateException.class, () -> stale.get(LittleEndian.INT, 0));
    }

    @Test
    void badGeometryIsRejectedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Slab.allocate(0, 4));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Slab.allocate(8, 31));
        assertThrows(IllegalArgumentException.class, () -> Slab.allocate(1L << 39, 10));
    }

    @Test
    void chunkShiftForTargetsTheRequestedChunkSize() {
        assertEquals(11, Slab.chunkShiftFor(384 * 4, 4 << 20)); // 2048 records of 1536 bytes = 3 MiB
        assertEquals(0, Slab.chunkShiftFor(10 << 20, 4 << 20)); // one huge record per chunk
        assertEquals(20, Slab.defaultChunkShift(4));
    }

    @Test
    @Tag("scalar-path")
    void vectorSlabRoundTripsOddDimensions() {
        Random random = new Random(7);
        for (int dim : new int[] {1, 3, 7, 15, 17, 33, 100, 127, 384, 769}) {
            try (VectorSlab vectors = VectorSlab.allocate(dim)) {
                int n = 3 * vectors.slab().recordsPerChunk() / 2 + 1;
                vectors.ensureCapacity(n);
                float[][] expected = new float[n][dim];
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < dim; i++) {
                        expected[s][i] = (float) random.nextGaussian();
                    }
                    vectors.set(s, expected[s]);
                }
                for (int s = 0; s < n; s++) {
                    assertArrayEquals(expected[s], vectors.get(s), "dim " + dim + " slot " + s);
                    assertEquals(expected[s][dim - 1], vectors.get(s, dim - 1));
                }
                MemorySegment chunk = vectors.chunkFor(n - 1);
                assertEquals(Float.floatToRawIntBits(expected[n - 1][0]),
                        chunk.get(LittleEndian.INT, vectors.offsetInChunk(n - 1)), "little-endian bits");
                assertThrows(IllegalArgumentException.class, () -> vectors.set(0, new float[dim + 1]));
            }
        }
    }

    @Test
    void typedViewsRoundTripEveryField() {
        try (IntRecordSlab ints = IntRecordSlab.allocate(33);
             ByteRecordSlab bytes = ByteRecordSlab.allocate(17);
             FloatSlab floats = FloatSlab.allocate();
             LongSlab longs = LongSlab.allocate()) {
            ints.ensureCapacity(100);
            bytes.ensureCapacity(100);
            floats.ensureCapacity(100);
            longs.ensureCapacity(100);
            for (int s = 0; s < 100; s++) {
                for (int i = 0; i < 33; i++) {
                    ints.setInt(s, i, s * 1000 + i);
                }
                byte[] code = new byte[17];
                for (int i = 0; i < 17; i++) {
                    code[i] = (byte) (s + i * 13);
                }
                bytes.set(s, code);
                floats.set(s, s / 3f);
                longs.set(s, -s * 1_000_000_007L);
            }
            for (int s = 0; s < 100; s++) {
                for (int i = 0; i < 33; i++) {
                    assertEquals(s * 1000 + i, ints.getInt(s, i));
                    assertEquals(s * 1000 + i, ints.getIntAcquire(s, i));
                }
                assertEquals((byte) (s + 13 * 16), bytes.getByte(s, 16));
                assertEquals((byte) (s + 13 * 16), bytes.get(s)[16]);
                assertEquals(s / 3f, floats.get(s));
                assertEquals(-s * 1_000_000_007L, longs.get(s));
            }
            ints.setIntRelease(5, 0, 9);
            assertTrue(ints.compareAndSetInt(5, 0, 9, 10));
            assertEquals(10, ints.getIntVolatile(5, 0));
            int[] copy = new int[4];
            ints.getInts(7, 2, copy, 4);
            assertArrayEquals(new int[] {7002, 7003, 7004, 7005}, copy);
            ints.setInts(7, 2, new int[] {1, 2}, 2);
            assertEquals(2, ints.getInt(7, 3));
            assertTrue(longs.compareAndSet(3, -3_000_000_021L, 5));
            assertEquals(5, longs.getVolatile(3));
        }
    }

    @Test
    void concurrentReadersSeeAConsistentChunkTableWhileWritersGrow() throws Exception {
        long seed = System.nanoTime();
        try (IntRecordSlab slab = new IntRecordSlab(Slab.allocate(8, 3), 2)) {
            int total = 20_000;
            AtomicInteger published = new AtomicInteger(); // records [0, published) are complete
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Random random = new Random(seed + t);
                Thread reader = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            int n = published.get();
                            if (n == 0) {
                                continue;
                            }
                            int s = random.nextInt(n);
                            int a = slab.getIntAcquire(s, 1);
                            int b = slab.getInt(s, 0);
                            if (a != s + 1 || b != -s) {
                                throw new AssertionError("slot " + s + " read " + b + "," + a + " seed " + seed);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            for (int s = 0; s < total; s++) {
                slab.ensureCapacity(s + 1);
                slab.setInt(s, 0, -s);
                slab.setIntRelease(s, 1, s + 1);
                published.set(s + 1);
            }
            done.set(true);
            for (Thread reader : readers) {
                reader.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("seed " + seed, failure.get());
            }
            assertEquals(total / 8, slab.slab().chunkCount());
        }
    }

    @Test
    void concurrentGrowersAgreeOnOneChunkTable() throws Exception {
        try (Slab slab = Slab.allocate(4, 2)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    for (int r = id; r < 4000; r += 4) {
                        slab.ensureCapacity(r + 1);
                        slab.chunkFor(r).set(LittleEndian.INT, slab.offsetInChunk(r), r);
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join();
            }
            assertEquals(1000, slab.chunkCount());
            for (int r = 0; r < 4000; r++) {
                assertEquals(r, slab.chunkFor(r).get(LittleEndian.INT, slab.offsetInChunk(r)));
            }
        }
    }
}
