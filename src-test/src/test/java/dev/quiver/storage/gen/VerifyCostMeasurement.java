package dev.quiver.storage.gen;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test (no assertion on time): the open-time cost of verifying a generation's payload checksums, for a
 * generation holding one {@code quiver.verifyCostMiB} MiB file (default 1024), opened with full verification (the
 * default) and lazily (threshold 0: header, trailer and sizes only), alternately, from a warm page cache. Run
 * explicitly: {@code -Dtest=VerifyCostMeasurement -Dsurefire.failIfNoSpecifiedTests=false}. Results in
 * bench/results/reliability.md.
 */
class VerifyCostMeasurement {
    @TempDir
    Path dir;

    @Test
    void openWithAndWithoutVerification() throws IOException {
        long mib = Long.getLong("quiver.verifyCostMiB", 1024);
        try (Generations store = Generations.open(dir); GenerationWriter w = store.beginGeneration()) {
            try (WritableFile f = w.create("vectors")) {
                byte[] block = new byte[1 << 20];
                new Random(1).nextBytes(block);
                for (long i = 0; i < mib; i++) {
                    f.write(block);
                }
            }
            w.commit(0, Map.of());
        }
        int rounds = Integer.getInteger("quiver.verifyCostRounds", 7);
        double[] full = new double[rounds];
        double[] lazy = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            full[r] = timeOpen(Long.MAX_VALUE);
            lazy[r] = timeOpen(0);
        }
        Arrays.sort(full);
        Arrays.sort(lazy);
        double medianFull = full[rounds / 2];
        double medianLazy = lazy[rounds / 2];
        System.out.printf("verify-cost: file %d MiB, rounds %d%n", mib, rounds);
        System.out.printf("verify-cost: open with verification: median %.1f ms (min %.1f, max %.1f), %.2f GiB/s%n",
                medianFull, full[0], full[rounds - 1], mib / 1024.0 / ((medianFull - medianLazy) / 1000));
        System.out.printf("verify-cost: lazy open: median %.2f ms (min %.2f, max %.2f)%n", medianLazy, lazy[0],
                lazy[rounds - 1]);
    }

    private double timeOpen(long threshold) {
        long t0 = System.nanoTime();
        try (Generations store = Generations.open(dir, threshold)) {
            if (store.current() == null) {
                throw new AssertionError("no generation");
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
