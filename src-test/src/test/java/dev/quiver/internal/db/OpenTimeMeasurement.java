package dev.quiver.internal.db;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.SearchParams;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataStore;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationStore;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.WritableFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Not a test (no assertion on time): build a database through the public API, then time save, reopen and the first
 * queries, opening the same records from a format 2 generation (id map, metadata and inverted index mapped in place)
 * and from a format 1 copy (one catalog file decoded and the inverted index rebuilt, as every open did before),
 * alternately. Run explicitly: {@code -Dtest=OpenTimeMeasurement -Dsurefire.failIfNoSpecifiedTests=false};
 * {@code -Dquiver.openRecords=N} sets the synthetic run's size (default 1,000,000). Results in bench/results/db.md.
 */
class OpenTimeMeasurement {

    @TempDir
    Path tmp;

    @Test
    void wordnet() throws IOException {
        Path dir = PlannerCutoverMeasurement.datasets().resolve("wordnet-minilm-384");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("base.fvecs")), "wordnet-minilm-384 absent: skipped");
        float[][] base = PlannerCutoverMeasurement.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        measure("wordnet-minilm-384", base, Config.dim(384).efConstruction(100), base.length);
    }

    @Test
    void synthetic() throws IOException {
        int n = Integer.getInteger("quiver.openRecords", 1_000_000);
        Random rnd = new Random(42);
        float[][] base = new float[n][8];
        for (float[] v : base) {
            for (int d = 0; d < 8; d++) {
                v[d] = rnd.nextFloat();
            }
        }
        // A small graph: the build is not what is measured here.
        measure("synthetic dim 8", base, Config.dim(8).m(8).efConstruction(16), 50_000);
    }

    private void measure(String name, float[][] base, Config cfg, int chunk) throws IOException {
        Path p = tmp.resolve("db");
        long t0 = System.nanoTime();
        try (Database db = Database.open(p, cfg)) {
            for (int from = 0; from < base.length; from += chunk) {
                int to = Math.min(base.length, from + chunk);
                List<String> ids = new ArrayList<>(to - from);
                List<Map<String, Object>> metas = new ArrayList<>(to - from);
                float[][] vs = new float[to - from][];
                for (int i = from; i < to; i++) {
                    ids.add("r" + i);
                    metas.add(Map.of("i", i, "bucket", i % 100));
                    vs[i - from] = base[i];
                }
                db.addMany(ids, vs, metas);
            }
            long t1 = System.nanoTime();
            db.save();
            long t2 = System.nanoTime();
            System.out.printf("%s: addMany %d x %d: %.1f s; save: %.0f ms%n", name, base.length, cfg.dim(),
                    (t1 - t0) / 1e9, (t2 - t1) / 1e6);
        }
        Path legacy = tmp.resolve("format1");
        writeFormatOneCopy(p, legacy);
        Filter filter = Filter.eq("bucket", 7);
        for (int round = 0; round < 3; round++) {
            for (Path dir : List.of(p, legacy)) {
                String format = dir == p ? "format 2 (mapped)" : "format 1 (rebuild)";
                long a = System.nanoTime();
                try (Database db = Database.open(dir)) {
                    long b = System.nanoTime();
                    long matches = db.count(filter);
                    long c = System.nanoTime();
                    db.search(base[round], SearchParams.k(10));
                    long d = System.nanoTime();
                    db.get("r" + (base.length / 2));
                    long e = System.nanoTime();
                    System.out.printf("%s, %s: open %.1f ms; first count(bucket=7) %.2f ms (%d); first search"
                                    + " %.2f ms; first get %.3f ms%n", name, format, (b - a) / 1e6, (c - b) / 1e6,
                            matches, (d - c) / 1e6, (e - d) / 1e6);
                }
            }
        }
        // 2,000 logged upserts on top of the generation, then the save that merges them into new files.
        try (Database db = Database.open(p)) {
            for (int i = 0; i < 2_000; i++) {
                db.upsert("r" + i, base[base.length - 1 - i], Map.of("i", -i));
            }
            long a = System.nanoTime();
            db.save();
            System.out.printf("%s: save after 2,000 upserts: %.0f ms%n", name, (System.nanoTime() - a) / 1e6);
        }
    }

    /** Copies a database and rewrites its generation in format 1 (one catalog file), as saves wrote it before. */
    private static void writeFormatOneCopy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("quiver.lock")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        try (GenerationStore store = GenerationStore.open(to)) {
            Generation g = store.current();
            DbShape shape = DbShape.fromProperties(g.properties(), to.toString());
            HnswIndex index = HnswIndex.open(g, StorageDbStore.INDEX_PREFIX, shape.hnswConfig(1));
            try (GenerationWriter w = store.beginGeneration()) {
                Catalog catalog = new Catalog(IdMap.open(g.map(StorageDbStore.IDS_FILE), "ids"),
                        MetadataStore.open(g.map(StorageDbStore.METADATA_FILE), "metadata"));
                index.writeTo(w, StorageDbStore.INDEX_PREFIX);
                try (WritableFile out = w.create(CatalogFile.NAME)) {
                    CatalogFile.write(out, catalog);
                }
                Map<String, String> props = new LinkedHashMap<>(shape.toProperties());
                props.put("quiver.format", "1");
                w.commit(g.walLsn(), props);
            } finally {
                index.close();
            }
        }
    }
}
