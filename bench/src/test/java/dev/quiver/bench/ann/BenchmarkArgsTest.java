package dev.quiver.bench.ann;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkArgsTest {

    @Test
    void bareInvocationRunsTheSharedSiftSampleOrASyntheticSet() {
        String expected = DatasetResolver.datasetsRoot() != null
                && java.nio.file.Files.isDirectory(DatasetResolver.datasetsRoot().resolve("bigann-10k"))
                ? "bigann-10k" : "synthetic:20000:64";
        assertEquals(expected, BenchmarkArgs.parse().dataset());
    }

    @Test
    void defaultsFollowTheBrief() {
        BenchmarkArgs a = BenchmarkArgs.parse("--dataset", "bigann-10k");
        assertEquals(BenchmarkArgs.ALL_ENGINES, a.engines());
        assertEquals(16, a.m());
        assertEquals(200, a.efConstruction());
        assertEquals(10, a.k());
        assertEquals(1, a.threads());
        assertEquals(List.of(10, 20, 40, 80, 120, 200, 400), a.efSearch());
        assertEquals(2.0, a.minSeconds());
    }

    @Test
    void bothOptionSpellingsParse() {
        BenchmarkArgs a = BenchmarkArgs.parse("--dataset=synthetic:10:3", "--engines", "lucene, jvector",
                "--ef=20,40", "--metric", "cosine", "--k", "5", "--queries=7");
        assertEquals(List.of("lucene", "jvector"), a.engines());
        assertEquals(List.of(20, 40), a.efSearch());
        assertEquals(Metric.COSINE, a.metric());
        assertEquals(5, a.k());
        assertEquals(7, a.queries());
    }

    @Test
    void badValuesAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkArgs.parse("--dataset", "x", "--ef", "5,20"));
        assertTrue(e.getMessage().contains("--ef 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkArgs.parse("--dataset", "x", "--engines", "faiss"));
        assertTrue(e.getMessage().contains("faiss"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchmarkArgs.parse("--dataset", "x", "--m", "two"));
        assertTrue(e.getMessage().contains("'two'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkArgs.parse("--dataset", "x", "--bogus", "1"));
    }
}
