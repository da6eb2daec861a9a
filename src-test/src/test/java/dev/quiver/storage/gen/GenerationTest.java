package dev.quiver.storage.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.LittleEndian;
import dev.quiver.storage.Slab;
import dev.quiver.storage.StorageFailure;
import dev.quiver.storage.VectorSlab;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationTest {
    @TempDir
    Path dir;

    private static float[] vector(long seed, int dim) {
        Random r = new Random(seed);
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static VectorSlab filledVectors(int dim, int count, int chunkShift, long seed) {
        VectorSlab slab = new VectorSlab(Slab.allocate((long) dim * 4, chunkShift), dim);
        slab.ensureCapacity(count);
        for (int s = 0; s < count; s++) {
            slab.set(s, vector(seed + s, dim));
        }
        return slab;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Tag("scalar-path")
    void slabAndStreamFilesRoundTripWithManifestFields() throws IOException {
        int[][] cases = {{1, 0}, {3, 1}, {7, 8}, {17, 9}, {33, 100}, {384, 129}};
        try (Generations store = Generations.open(dir)) {
            assertNull(store.current());
            GenerationWriter w = store.beginGeneration();
            assertEquals(1, w.number());
            for (int[] c : cases) {
                try (VectorSlab v = filledVectors(c[0], c[1], 3, c[0])) {
                    w.writeSlab("vectors-" + c[0], v.slab(), c[1]);
                }
            }
            try (WritableFile f = w.create("meta")) {
                f.writeInt(-7);
                f.writeLong(Long.MIN_VALUE + 3);
                f.writeFloat(1.5f);
                f.writeShort((short) -2);
                f.writeBytesWithLength("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                f.write(42);
                byte[] big = new byte[200_000];
                new Random(1).nextBytes(big);
                f.write(big);
                f.write(MemorySegment.ofArray(new byte[] {5, 6, 7}));
            }
            try (WritableFile f = w.create("empty")) {
                assertEquals(0, f.size());
            }
            Generation g = w.commit(1234, Map.of("dim", "384", "metric", "cosine", "ünïcode", "välue", "", ""));
            assertEquals(1, g.number());
        }
        assertTrue(Generations.exists(dir));
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            assertEquals(1, g.number());
            assertEquals(1234, g.walLsn());
            assertEquals(Map.of("dim", "384", "metric", "cosine", "ünïcode", "välue", "", ""), g.properties());
            assertEquals(cases.length + 2, g.names().size());
            for (int[] c : cases) {
                String name = "vectors-" + c[0];
                assertEquals(c[1], g.recordCount(name));
                try (VectorSlab v = new VectorSlab(g.openSlab(name, c[0] * 4L), c[0])) {
                    assertEquals(3, v.slab().chunkShift());
                    assertEquals((c[1] + 7) / 8 * 8, v.capacity());
                    for (int s = 0; s < c[1]; s++) {
                        assertArrayEquals(vector(c[0] + s, c[0]), v.get(s), name + " slot " + s);
                    }
                    for (int s = c[1]; s < v.capacity(); s++) {
                        assertArrayEquals(new float[c[0]], v.get(s), "padding reads as zeros");
                    }
                }
                MemorySegment mapped = g.map(name);
                assertEquals(c[1] * c[0] * 4L, mapped.byteSize());
                if (c[1] > 0) {
                    assertEquals(vector(c[0], c[0])[0], mapped.get(LittleEndian.FLOAT, 0));
                }
            }
            try (ReadableStream in = g.openStream("meta")) {
                assertEquals(-7, in.readInt());
                assertEquals(Long.MIN_VALUE + 3, in.readLong());
                assertEquals(1.5f, in.readFloat());
                assertEquals((short) -2, in.readShort());
                assertEquals("héllo", new String(in.readBytesWithLength(100), java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(42, in.read());
                byte[] big = new byte[200_000];
                in.readFully(big);
                byte[] expected = new byte[200_000];
                new Random(1).nextBytes(expected);
                assertArrayEquals(expected, big);
                assertEquals(3, in.remaining());
                assertEquals(5, in.read());
                assertEquals(6, in.read());
                assertEquals(7, in.read());
                assertEquals(-1, in.read());
                assertThrows(CorruptFileException.class, in::readInt);
            }
            assertEquals(0, g.map("empty").byteSize());
            g.verify();
            g.verifyAsync(Runnable::run).join();
            StorageFailure missing = assertThrows(StorageFailure.class, () -> g.file("graph"));
            assertTrue(missing.getMessage().contains("graph"), missing.getMessage());
            assertThrows(CorruptFileException.class, () -> g.openSlab("meta", 4));
            assertThrows(CorruptFileException.class, () -> g.openSlab("vectors-3", 4));
        }
    }

    @Test
    void savingReplacesTheGenerationAndDeletesTheOldFiles() throws IOException {
        try (Generations store = Generations.open(dir)) {
            for (int gen = 1; gen <= 3; gen++) {
                try (GenerationWriter w = store.beginGeneration(); VectorSlab v = filledVectors(5, gen * 10, 2, gen)) {
                    w.writeSlab("vectors", v.slab(), gen * 10);
                    w.commit(gen * 100L, Map.of("gen", "" + gen));
                }
                assertEquals(List.of("gen-" + gen + ".vectors", "graph.vctrs"), listing(dir));
            }
        }
        try (Generations store = Generations.open(dir)) {
            assertEquals(3, store.current().number());
            assertEquals(300, store.current().walLsn());
            assertEquals(30, store.current().recordCount("vectors"));
        }
    }

    @Test
    void closingAWriterWithoutCommitDeletesItsFiles() throws IOException {
        try (Generations store = Generations.open(dir)) {
            try (GenerationWriter w = store.beginGeneration()) {
                w.create("half").write(new byte[10]); // left unfinished
                try (WritableFile f = w.create("whole")) {
                    f.writeInt(1);
                }
                assertThrows(IllegalStateException.class, () -> w.commit(1, Map.of()));
                assertThrows(IllegalArgumentException.class, () -> w.create("whole"));
                assertThrows(IllegalArgumentException.class, () -> w.create("Bad/Name"));
            }
            assertEquals(List.of(), listing(dir));
            assertNull(store.current());
            store.beginGeneration().close(); // a new writer is allowed once the old one is closed
        }
    }

    @Test
    void privateSlabMutationLeavesTheFileUnchanged() throws IOException {
        try (Generations store = Generations.open(dir)) {
            try (GenerationWriter w = store.beginGeneration(); VectorSlab v = filledVectors(16, 20, 3, 9)) {
                w.writeSlab("vectors", v.slab(), 20);
                w.commit(0, Map.of());
            }
            Path file = dir.resolve("gen-1.vectors");
            byte[] before = Files.readAllBytes(file);
            try (VectorSlab v = new VectorSlab(store.current().openSlab("vectors", 64), 16)) {
                assertEquals(3, v.slab().mappedChunkCount());
                v.set(0, new float[16]);
                v.set(23, vector(1, 16)); // in the padding of the last mapped chunk
                v.ensureCapacity(100); // grows with off-heap chunks
                v.set(99, vector(2, 16));
                assertArrayEquals(new float[16], v.get(0));
                assertArrayEquals(vector(2, 16), v.get(99));
            }
            assertArrayEquals(before, Files.readAllBytes(file));
            store.current().verify();
            try (VectorSlab again = new VectorSlab(store.current().openSlab("vectors", 64), 16)) {
                assertArrayEquals(vector(9, 16), again.get(0));
            }
        }
    }

    private void saveOne(long seed) {
        try (Generations store = Generations.open(dir); GenerationWriter w = store.beginGeneration();
             VectorSlab v = filledVectors(4, 10, 2, seed)) {
            w.writeSlab("vectors", v.slab(), 10);
            try (WritableFile f = w.create("ids")) {
                f.writeLong(seed);
            }
            w.commit(7, Map.of("k", "v"));
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.delete(file);
        Files.write(file, bytes);
    }

    @Test
    void damagedFilesAreRejectedNamingTheFile() throws IOException {
        saveOne(1);
        Path vectors = dir.resolve("gen-1.vectors");
        Path ids = dir.resolve("gen-1.ids");
        Path manifest = dir.resolve("graph.vctrs");
        byte[] vectorBytes = Files.readAllBytes(vectors);
        byte[] idBytes = Files.readAllBytes(ids);
        byte[] manifestBytes = Files.readAllBytes(manifest);

        // Payload damage in a small file: caught at open (verify-on-open threshold).
        flip(vectors, DataFileFormat.HEADER_BYTES + 5);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Generations.open(dir));
        assertEquals(vectors, e.file());
        assertTrue(e.getMessage().contains("payload checksum"), e.getMessage());
        // ... and by verify() when the file is above the threshold, while a plain open trusts header and sizes.
        try (Generations store = Generations.open(dir, 0)) {
            assertThrows(CorruptFileException.class, () -> store.current().verify());
        }
        Files.write(vectors, vectorBytes);

        for (long offset : new long[] {0, 4, 12, 30, 70, 4000}) {
            flip(vectors, offset);
            e = assertThrows(CorruptFileException.class, () -> Generations.open(dir, 0), "header byte " + offset);
            assertEquals(vectors, e.file());
            Files.write(vectors, vectorBytes);
        }
        flip(vectors, vectorBytes.length - 10); // trailer
        assertThrows(CorruptFileException.class, () -> Generations.open(dir, 0));
        Files.write(vectors, java.util.Arrays.copyOf(vectorBytes, vectorBytes.length - 1));
        e = assertThrows(CorruptFileException.class, () -> Generations.open(dir, 0));
        assertTrue(e.getMessage().contains("manifest says"), e.getMessage());
        Files.write(vectors, vectorBytes);

        Files.delete(ids);
        e = assertThrows(CorruptFileException.class, () -> Generations.open(dir));
        assertEquals(ids, e.file());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertTrue(Files.exists(vectors), "a rejected open deletes nothing");
        Files.write(ids, idBytes);
        saveOne(2);

        for (int i = 0; i < manifestBytes.length; i += 7) {
            byte[] m = Files.readAllBytes(manifest);
            byte[] damaged = m.clone();
            damaged[i] ^= 1;
            Files.delete(manifest);
            Files.write(manifest, damaged);
            e = assertThrows(CorruptFileException.class, () -> Generations.open(dir), "manifest byte " + i);
            assertEquals(manifest, e.file());
            Files.delete(manifest);
            Files.write(manifest, m);
        }
        byte[] vctrs = {0x47, 0x57, 0x53, 0x48, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Files.write(manifest, vctrs);
        e = assertThrows(CorruptFileException.class, () -> Generations.open(dir));
        assertTrue(e.getMessage().contains("vctrs"), e.getMessage());
    }

    @Test
    void strayFilesOfAnInterruptedSaveAreRemovedAtOpen() throws IOException {
        saveOne(1);
        Files.write(dir.resolve("gen-2.vectors"), new byte[100]);
        Files.write(dir.resolve("gen-0.ids"), new byte[1]);
        Files.write(dir.resolve("graph.vctrs.tmp"), new byte[3]);
        Files.write(dir.resolve("unrelated.txt"), new byte[3]);
        try (Generations store = Generations.open(dir)) {
            assertEquals(1, store.current().number());
        }
        assertEquals(List.of("gen-1.ids", "gen-1.vectors", "graph.vctrs", "unrelated.txt"), listing(dir));
    }

    /** Every step name a save of generation 2 passes through. */
    private List<String> saveSteps() throws IOException {
        Path probe = Files.createDirectories(dir.resolve("probe"));
        List<String> steps = new ArrayList<>();
        try (Generations store = Generations.open(probe)) {
            save(store, 1, step -> { });
            save(store, 2, steps::add);
        }
        return steps;
    }

    private static void save(Generations store, long seed, Generations.SaveHook hook) {
        store.setHook(hook);
        GenerationWriter w = store.beginGeneration();
        try (VectorSlab v = filledVectors(6, (int) seed * 9, 2, seed)) {
            w.writeSlab("vectors", v.slab(), (int) seed * 9);
        }
        try (WritableFile f = w.create("ids")) {
            f.writeLong(seed);
        }
        w.commit(seed * 10, Map.of("seed", "" + seed));
    }

    @Test
    void anInterruptedSaveOpensToTheOldOrTheNewGeneration() throws IOException {
        List<String> steps = saveSteps();
        assertEquals(List.of("file:vectors", "file:ids", "files-durable", "manifest-temp", "manifest-renamed", "directory-forced",
                "deleted:ids", "deleted:vectors"), steps);
        for (int stop = 0; stop < steps.size(); stop++) {
            Path d = Files.createDirectories(dir.resolve("stop" + stop));
            String stopAt = steps.get(stop);
            try (Generations store = Generations.open(d)) {
                save(store, 1, step -> { });
                RuntimeException crash = new RuntimeException("crash at " + stopAt);
                RuntimeException thrown = assertThrows(RuntimeException.class, () -> save(store, 2, step -> {
                    if (step.equals(stopAt)) {
                        throw crash;
                    }
                }));
                assertEquals(crash, thrown);
            }
            try (Generations store = Generations.open(d)) {
                Generation g = store.current();
                long expected = stop < steps.indexOf("manifest-renamed") ? 1 : 2;
                assertEquals(expected, g.number(), "stopped at " + stopAt);
                assertEquals(expected * 10, g.walLsn());
                assertEquals(Map.of("seed", "" + expected), g.properties());
                assertEquals(expected * 9, g.recordCount("vectors"));
                try (ReadableStream in = g.openStream("ids")) {
                    assertEquals(expected, in.readLong());
                }
                g.verify();
                assertEquals(new TreeSet<>(List.of("gen-" + expected + ".ids", "gen-" + expected + ".vectors",
                        "graph.vctrs")), new TreeSet<>(listing(d)), "stopped at " + stopAt);
            }
        }
    }

    @Test
    void manifestRoundTripsEveryField() {
        Manifest m = new Manifest(Long.MAX_VALUE, 0, List.of(
                new FileEntry("b", "gen-9.b", 1, 1L << 40, 12345, -1),
                new FileEntry("a", "gen-9.a", 0, 4128, 0, 0)),
                Map.of("x", "1", "empty", "", "long", "y".repeat(70_000)));
        Manifest back = Manifest.decode(Path.of("m"), m.encode());
        assertEquals(m, back);
        assertEquals("a", back.files().getFirst().logicalName());
        assertEquals(m.file("b"), back.file("b"));
        assertNull(back.file("c"));
        assertFalse(back.properties().isEmpty());
    }

    @Test
    void aWriterRefusesASecondConcurrentGeneration() {
        try (Generations store = Generations.open(dir); GenerationWriter w = store.beginGeneration()) {
            assertThrows(IllegalStateException.class, store::beginGeneration);
            assertEquals(1, w.number());
        }
    }

    @Test
    void largeSlabFilesAreSparseAndMapAtChunkBoundaries() throws IOException {
        // One record in a 4 MiB chunk: the file's logical length covers the chunk, its padding is a hole.
        try (Generations store = Generations.open(dir);
             Slab slab = Slab.allocate(1024, 12)) {
            slab.ensureCapacity(1);
            slab.chunkFor(0).set(ValueLayout.JAVA_BYTE, 1023, (byte) 7);
            try (GenerationWriter w = store.beginGeneration()) {
                w.writeSlab("codes", slab, 1);
                w.commit(0, Map.of());
            }
            Path file = dir.resolve("gen-1.codes");
            assertEquals(DataFileFormat.HEADER_BYTES + (4L << 20) + DataFileFormat.TRAILER_BYTES, Files.size(file));
            try (Slab back = store.current().openSlab("codes", 1024)) {
                assertEquals(4096, back.capacity());
                assertEquals(7, back.chunkFor(0).get(ValueLayout.JAVA_BYTE, 1023));
                assertEquals(0, back.chunkFor(4095).get(ValueLayout.JAVA_BYTE, back.offsetInChunk(4095)));
            }
            store.current().verify();
        }
    }

    @Test
    void aDamagedFileAboveTheOldBackgroundThresholdIsRejectedByADefaultOpen() throws IOException {
        // 65 MiB: above the 64 MiB that open used to leave to a background check (and serve meanwhile).
        long payload = 65L << 20;
        try (Generations store = Generations.open(dir); GenerationWriter w = store.beginGeneration()) {
            try (WritableFile f = w.create("big")) {
                byte[] block = new byte[1 << 20];
                new Random(5).nextBytes(block);
                for (long at = 0; at < payload; at += block.length) {
                    f.write(block);
                }
            }
            w.commit(0, Map.of());
        }
        Path big = dir.resolve("gen-1.big");
        try (Generations store = Generations.open(dir)) {
            assertTrue(store.current().isVerified(), "a default open verifies every payload");
        }
        long at = DataFileFormat.HEADER_BYTES + payload - 12_345;
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x01)).clear();
            ch.write(one, at);
        }
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Generations.open(dir));
        assertEquals(big, e.file());
        assertTrue(e.getMessage().contains("payload checksum"), e.getMessage());
        // Lazy opening is an explicit opt-in; the file is then reported unverified until verifyPending() runs.
        try (Generations store = Generations.open(dir, 64L << 20)) {
            assertFalse(store.current().isVerified());
            assertThrows(CorruptFileException.class, () -> store.current().verifyPending());
        }
    }
}
