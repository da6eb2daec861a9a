package dev.quiver;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the Java example of README.md; keep the code between the markers identical to the README's. */
class ReadmeExampleTest {

    @TempDir
    Path tmp;

    @Test
    @Tag("scalar-path")
    void readmeExampleRunsAndPrintsTheDocumentedHits() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            readmeExample(tmp.resolve("my_db"));
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), captured.toString(StandardCharsets.UTF_8));
        // The README's comment shows 0.0; the float32 cosine kernel gives a distance within 1e-6 of it.
        String[] first = lines.get(0).split(" ", 3);
        assertEquals("doc1", first[0]);
        assertEquals(0f, Float.parseFloat(first[1]), 1e-6f);
        assertEquals("{category=science, year=2024}", first[2]);
        assertEquals("doc3", lines.get(1).split(" ")[0]);
        try (Database db = Database.open(tmp.resolve("my_db"))) {
            assertEquals(List.of("doc1", "doc2", "doc3"), db.ids());
        }
    }

    private static void readmeExample(Path myDb) {
        // README example (Path.of("my_db") replaced by a temporary directory)
        try (Database db = Database.open(myDb, Config.dim(3).metric(Metric.COSINE))) {
            db.add("doc1", new float[] {0.1f, 0.2f, 0.3f}, Map.of("category", "science", "year", 2024));
            db.addMany(List.of("doc2", "doc3"),
                    new float[][] {{0.3f, 0.1f, 0.2f}, {0.2f, 0.3f, 0.1f}},
                    List.of(Map.of("category", "art"), Map.of("category", "science")));

            List<SearchResult> hits = db.search(new float[] {0.1f, 0.2f, 0.3f},
                    SearchParams.k(2).filter(Filter.eq("category", "science")));
            for (SearchResult hit : hits) {
                if (hit instanceof SearchResult(String id, float distance, Map<String, Object> metadata)) {
                    System.out.println(id + " " + distance + " " + metadata);   // doc1 0.0 {category=science, year=2024}
                }
            }
            db.save();                                   // close() saves too; every write is already in the WAL
        }
        // end of README example
    }
}
