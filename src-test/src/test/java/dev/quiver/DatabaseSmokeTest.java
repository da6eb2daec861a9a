package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DatabaseSmokeTest {

    @TempDir
    Path dir;

    @Test
    void addSearchReopen() {
        Path p = dir.resolve("db");
        try (Database db = Database.open(p, Config.dim(3))) {
            db.add("a", new float[] {1, 0, 0}, Map.of("c", "x"));
            db.add("b", new float[] {0, 1, 0});
            List<SearchResult> r = db.search(new float[] {1, 0.1f, 0}, 2);
            assertEquals("a", r.get(0).id());
            assertEquals(2, r.size());
        }
        try (Database db = Database.open(p)) {
            assertEquals(List.of("a", "b"), db.ids());
            assertEquals(Map.of("c", "x"), db.get("a").metadata());
            assertEquals(1, db.count(Filter.eq("c", "x")));
        }
    }
}
