package dev.quiver.bench.storage;

import dev.quiver.storage.Slab;
import dev.quiver.storage.gen.Generations;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.WritableFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Time to open a saved generation and map its vector file as a slab, for vector files of 16 MiB, 256 MiB and
 * 1 GiB: open must not read the files, so the time must not grow with their size. Payload verification is
 * measured separately (it is what the engine runs in the background for large files).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.quiver.bench.storage.GenerationOpenBench [dir] [repeats]</pre>
 */
public final class GenerationOpenBench {
    private static final int DIM = 256;
    private static final long STRIDE = DIM * Float.BYTES;

    private GenerationOpenBench() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("quiver-open-bench");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long[] sizesMiB = {16, 256, 1024};
        Path[] dirs = new Path[sizesMiB.length];
        int[] records = new int[sizesMiB.length];
        double[] writeSeconds = new double[sizesMiB.length];
        for (int k = 0; k < sizesMiB.length; k++) {
            dirs[k] = Files.createDirectories(base.resolve("db-" + sizesMiB[k]));
            records[k] = (int) ((sizesMiB[k] << 20) / STRIDE);
            long writeStart = System.nanoTime();
            write(dirs[k], records[k]);
            writeSeconds[k] = (System.nanoTime() - writeStart) / 1e9;
        }
        // Opens of the three sizes interleaved, so that machine noise hits them alike; 20 warm-up rounds.
        double[][] millis = new double[sizesMiB.length][repeats];
        for (int i = -20; i < repeats; i++) {
            for (int k = 0; k < sizesMiB.length; k++) {
                long t0 = System.nanoTime();
                try (Generations store = Generations.open(dirs[k], 0);
                     Slab slab = store.current().openSlab("vectors", STRIDE)) {
                    if (slab.capacity() < records[k]) {
                        throw new AssertionError("slab too small");
                    }
                }
                if (i >= 0) {
                    millis[k][i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        System.out.println("| vector file | write (s) | open + map, median (ms) | p90 (ms) | max (ms) | verify (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int k = 0; k < sizesMiB.length; k++) {
            Arrays.sort(millis[k]);
            long verifyStart = System.nanoTime();
            try (Generations store = Generations.open(dirs[k], 0)) {
                store.current().verify();
            }
            double verifyMillis = (System.nanoTime() - verifyStart) / 1e6;
            System.out.printf("| %d MiB | %.2f | %.3f | %.3f | %.3f | %.1f |%n", sizesMiB[k], writeSeconds[k],
                    millis[k][repeats / 2], millis[k][repeats * 9 / 10], millis[k][repeats - 1], verifyMillis);
        }
        WalAppendBench.deleteTree(base);
    }

    private static void write(Path dir, int records) {
        try (Generations store = Generations.open(dir);
             Slab slab = Slab.allocate(STRIDE, Slab.defaultChunkShift(STRIDE))) {
            slab.ensureCapacity(records);
            for (int c = 0; c < slab.chunkCount(); c++) {
                MemorySegment chunk = slab.chunk(c);
                for (long off = 0; off < chunk.byteSize(); off += 4096) {
                    chunk.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, off * 0.5f + c); // non-zero pages
                }
            }
            try (GenerationWriter w = store.beginGeneration()) {
                w.writeSlab("vectors", slab, records);
                try (WritableFile ids = w.create("ids")) {
                    ids.writeInt(records);
                }
                w.commit(records, Map.of("dim", Integer.toString(DIM), "metric", "cosine"));
            }
        }
    }
}
