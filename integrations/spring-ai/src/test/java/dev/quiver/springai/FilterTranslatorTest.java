package dev.quiver.springai;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter.Expression;
import org.springframework.ai.vectorstore.filter.Filter.ExpressionType;
import org.springframework.ai.vectorstore.filter.Filter.Key;
import org.springframework.ai.vectorstore.filter.Filter.Value;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-checked filters in Spring AI's text syntax and builder, and the filters the store refuses (changing nothing). */
class FilterTranslatorTest {

    @TempDir
    Path dir;

    private QuiverVectorStore store;

    @BeforeEach
    void open() {
        store = QuiverVectorStore.builder(dir.resolve("db"), new WordHashingEmbeddingModel()).build();
        store.add(List.of(
                new Document("a", "alpha text", Map.of("country", "BG", "year", 2020, "published", "2020-05-01T10:00:00Z")),
                new Document("b", "beta text", Map.of("country", "NL", "year", 2023L, "score", 4.5)),
                new Document("c", "gamma text", Map.of("country", "BG", "tags", List.of("x", "y"), "open", true)),
                new Document("d", "delta text", Map.of("year", 2019.0, "open", false))));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> ids(String filter) {
        return store.similaritySearch(SearchRequest.builder().query("text").topK(10).similarityThresholdAll()
                .filterExpression(filter).build()).stream().map(Document::getId).sorted().toList();
    }

    private List<String> ids(Expression filter) {
        return store.similaritySearch(SearchRequest.builder().query("text").topK(10).similarityThresholdAll()
                .filterExpression(filter).build()).stream().map(Document::getId).sorted().toList();
    }

    @Test
    void textExpressionsSelectAsSpringAiDefinesThem() {
        assertEquals(List.of("a", "c"), ids("country == 'BG'"));
        assertEquals(List.of("b", "d"), ids("country != 'BG'"));          // d has no country: != passes
        assertEquals(List.of("b"), ids("year > 2020"));                    // Integer, Long and Double years by value
        assertEquals(List.of("a", "b"), ids("year >= 2020"));
        assertEquals(List.of("c", "d"), ids("year < 2020"));              // c has no year: null sorts first
        assertEquals(List.of("a", "c", "d"), ids("year <= 2020"));
        assertEquals(List.of("a", "b"), ids("country in ['BG', 'NL'] && year >= 2020"));
        assertEquals(List.of("b", "c", "d"), ids("year nin [2020]"));
        assertEquals(List.of("c"), ids("open == true"));
        assertEquals(List.of("b", "d"), ids("not (country == 'BG')"));
        assertEquals(List.of("a", "c", "d"), ids("country == 'BG' || year < 2020"));
        assertEquals(List.of("b", "d"), ids("country == 'NL' || (open == false && year == 2019)"));
        assertEquals(List.of("c"), ids("year IS NULL && country IS NOT NULL"));
        assertEquals(List.of("b"), ids("score >= 4.5"));
        assertEquals(List.of("b"), ids("year == 2023L"));
        assertEquals(List.of("a"), ids("\"country\" == 'BG' && year == 2020.0"));
    }

    @Test
    void builderExpressionsAndDatesTranslate() {
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        assertEquals(List.of("a", "c"), ids(b.eq("country", "BG").build()));
        assertEquals(List.of("b", "c", "d"), ids(b.or(b.eq("country", "NL"), b.lt("year", 2020)).build()));
        // A Date compares as the ISO text Spring AI stores dates in.
        Date published = Date.from(Instant.parse("2020-05-01T10:00:00Z"));
        assertEquals(List.of("a"), ids(new Expression(ExpressionType.EQ, new Key("published"), new Value(published))));
        assertEquals(List.of("a"), ids(new Expression(ExpressionType.IN, new Key("published"),
                new Value(List.of(published)))));
    }

    @Test
    void whatQuiverCannotCompareExactlyIsRefused() {
        int before = store.database().size();
        IllegalArgumentException stringRange = assertThrows(IllegalArgumentException.class,
                () -> ids("country > 'AA'"));
        assertTrue(stringRange.getMessage().contains("numbers only"), stringRange.getMessage());
        Date date = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
        assertThrows(IllegalArgumentException.class,
                () -> ids(new Expression(ExpressionType.GT, new Key("published"), new Value(date))));
        IllegalArgumentException bigLong = assertThrows(IllegalArgumentException.class,
                () -> ids(new Expression(ExpressionType.LT, new Key("year"), new Value((1L << 53) + 1))));
        assertTrue(bigLong.getMessage().contains("2^53"), bigLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ids("_content == 'alpha text'"));
        assertThrows(IllegalArgumentException.class,
                () -> ids(new Expression(ExpressionType.IN, new Key("country"), new Value("BG"))));
        assertThrows(IllegalArgumentException.class,
                () -> store.delete(new Expression(ExpressionType.GTE, new Key("country"), new Value("BG"))));
        assertEquals(before, store.database().size());
    }

    @Test
    void deleteByFilterRemovesExactlyTheMatches() {
        store.delete("year >= 2020 || open == false");
        assertEquals(List.of("c"), store.database().ids());
        store.delete("country == 'XX'");
        assertEquals(List.of("c"), store.database().ids());
    }
}
