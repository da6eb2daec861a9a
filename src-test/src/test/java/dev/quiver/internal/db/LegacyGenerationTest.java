package dev.quiver.internal.db;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.storage.gen.GenerationStore;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.WritableFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generations of properties format 1 (one catalog file) still open, and the next save writes format 2. */
class LegacyGenerationTest {

    @TempDir
    Path tmp;

    @Test
    void formatOneGenerationsOpenAndTheNextSaveWritesFormatTwo() throws IOException {
        Path p = tmp.resolve("db");
        Files.createDirectories(p);
        DbShape shape = DbShape.of(Config.dim(3));
        Catalog catalog = new Catalog();
        List<String> want = new ArrayList<>();
        HnswIndex index = HnswIndex.create(shape.hnswConfig(1));
        try (GenerationStore store = GenerationStore.open(p)) {
            for (int i = 0; i < 30; i++) {
                int slot = index.insert(new float[] {i, 1, -i});
                catalog.put(slot, "r" + i, i == 7 ? null : Map.of("g", (long) (i % 3)));
                if (i == 5) {
                    index.delete(slot);
                    catalog.remove(slot);
                } else {
                    want.add("r" + i);
                }
            }
            try (GenerationWriter w = store.beginGeneration()) {
                index.writeTo(w, StorageDbStore.INDEX_PREFIX);
                try (WritableFile out = w.create(CatalogFile.NAME)) {
                    CatalogFile.write(out, catalog);
                }
                Map<String, String> props = new LinkedHashMap<>(shape.toProperties());
                props.put("quiver.format", "1");
                w.commit(0, props);
            }
        } finally {
            index.close();
        }
        try (Database db = Database.open(p)) {
            assertEquals(want, db.ids());
            assertEquals(9, db.count(Filter.eq("g", 1)), "r7 (g 1) has no metadata");
            assertEquals(9, db.count(Filter.eq("g", 2)), "r5 (g 2) was deleted");
            assertEquals(null, db.get("r7").metadata());
            db.add("new", new float[] {0, 0, 0}, Map.of("g", 1));
            want.add("new");
        }
        try (var files = Files.list(p)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".catalog")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".ids")), names.toString());
        }
        try (Database db = Database.open(p)) {
            assertEquals(want, db.ids());
            assertEquals(10, db.count(Filter.eq("g", 1)));
            assertEquals(Map.of("g", 1L), db.get("r4").metadata());
        }
    }
}
