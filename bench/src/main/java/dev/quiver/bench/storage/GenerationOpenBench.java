package dev.quiver.bench.storage;

import dev.quiver.storage.Slab;
import dev.quiver.storage.gen.GenerationStore;
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
        System.out.println("| vector file | write (s) | open + map, median (ms) | p90 (ms) | max (ms) | verify (s) |");
        System.out.println("|---|---|---|---|---|---|");
        for (long mib : new long[] {16, 256, 1024}) {
            Path dir = Files.createDirectories(base.resolve("db-" + mib));
            int records = (int) ((mib << 20) / STRIDE);
            long writeStart = System.nanoTime();
            write(dir, records);
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            double[] millis = new double[repeats];
            for (int i = -20; i < repeats; i++) { // 20 warm-up opens
                long t0 = System.nanoTime();
                try (GenerationStore store = GenerationStore.open(dir, 0);
                     Slab slab = store.current().openSlab("vectors", STRIDE)) {
                    if (slab.capacity() < records) {
                        throw new AssertionError("slab too small");
                    }
                }
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(millis);
            long verifyStart = System.nanoTime();
            try (GenerationStore store = GenerationStore.open(dir, 0)) {
                store.current().verify();
            }
            double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
            System.out.printf("| %d MiB | %.2f | %.3f | %.3f | %.3f | %.2f |%n", mib, writeSeconds,
                    millis[repeats / 2], millis[repeats * 9 / 10], millis[repeats - 1], verifySeconds);
            WalAppendBench.deleteTree(dir);
        }
        WalAppendBench.deleteTree(base);
    }

    private static void write(Path dir, int records) {
        try (GenerationStore store = GenerationStore.open(dir);
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
