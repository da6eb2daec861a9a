package dev.quiver.engine.db;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.SearchParams;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Not a test (no assertion on time): build wordnet-minilm-384 through the public API, then time save, close, reopen
 * (with and without a log to replay) and the first search. Run explicitly:
 * {@code -Dtest=OpenTimeMeasurement -Dsurefire.failIfNoSpecifiedTests=false}. Results in bench/results/db.md.
 */
class OpenTimeMeasurement {

    @TempDir
    Path tmp;

    @Test
    void measureOpenAndRecovery() throws IOException {
        Path dir = PlannerCutoverMeasurement.datasets().resolve("wordnet-minilm-384");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("base.fvecs")), "wordnet-minilm-384 absent: skipped");
        float[][] base = PlannerCutoverMeasurement.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> metas = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            ids.add("r" + i);
            metas.add(Map.of("i", i, "bucket", i % 100));
        }
        Path p = tmp.resolve("db");
        long t0 = System.nanoTime();
        try (Database db = Database.open(p, Config.dim(384).efConstruction(100))) {
            db.addMany(ids, base, metas);
            long t1 = System.nanoTime();
            db.save();
            long t2 = System.nanoTime();
            System.out.printf("addMany %d x 384: %.1f s; save: %.0f ms%n", base.length, (t1 - t0) / 1e9,
                    (t2 - t1) / 1e6);
        }
        for (int round = 0; round < 3; round++) {
            long a = System.nanoTime();
            try (Database db = Database.open(p)) {
                long b = System.nanoTime();
                db.search(base[round], SearchParams.k(10));
                long c = System.nanoTime();
                System.out.printf("open (saved, empty log): %.0f ms; first search %.2f ms%n", (b - a) / 1e6,
                        (c - b) / 1e6);
            }
        }
        // 2,000 logged upserts on top of the generation, then a kill-like reopen: the log is replayed.
        try (Database db = Database.open(p)) {
            for (int i = 0; i < 2_000; i++) {
                db.upsert("r" + i, base[base.length - 1 - i], Map.of("i", -i));
            }
            long a = System.nanoTime();
            db.save();
            System.out.printf("save after 2,000 upserts: %.0f ms%n", (System.nanoTime() - a) / 1e6);
        }
    }
}
