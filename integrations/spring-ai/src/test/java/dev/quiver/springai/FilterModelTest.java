package dev.quiver.springai;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.Filter.Expression;
import org.springframework.ai.vectorstore.filter.Filter.ExpressionType;
import org.springframework.ai.vectorstore.filter.Filter.Key;
import org.springframework.ai.vectorstore.filter.Filter.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every filter operator against Spring AI's own in-memory model: random documents and random expression trees (all
 * thirteen operators, nested), the ids each selects in the Quiver store (by search and by delete) compared with the
 * ids Spring AI's {@link SimpleVectorStore} deletes for the same expression. Keys keep one type each (the in-memory
 * store throws when a string meets a number), and are missing from some documents.
 */
class FilterModelTest {

    private static final int DOCS = 120;
    private static final int EXPRESSIONS = 300;
    private static final List<String> COUNTRIES = List.of("BG", "NL", "US", "DE", "FR");

    @TempDir
    Path dir;

    private final WordHashingEmbeddingModel model = new WordHashingEmbeddingModel();
    private QuiverVectorStore store;

    @BeforeEach
    void open() {
        store = QuiverVectorStore.builder(dir.resolve("db"), model).build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The in-memory reference store, with a view of the ids it holds. */
    static final class Reference extends SimpleVectorStore {
        Reference(WordHashingEmbeddingModel model) {
            super(SimpleVectorStore.builder(model));
        }

        Set<String> ids() {
            return new HashSet<>(store.keySet());
        }

        /** The ids the expression deletes, leaving this store as it was. */
        Set<String> selectedBy(Expression expression) {
            var saved = store;
            store = new ConcurrentHashMap<>(saved);
            try {
                doDelete(expression);
                Set<String> selected = new HashSet<>(saved.keySet());
                selected.removeAll(store.keySet());
                return selected;
            } finally {
                store = saved;
            }
        }
    }

    @Test
    void searchAndDeleteSelectWhatTheInMemoryModelSelects() {
        long seed = Long.getLong("quiver.seed", System.nanoTime()); // -Dquiver.seed=N replays a failure
        Random rnd = new Random(seed);
        List<Document> docs = randomDocuments(rnd);
        store.add(docs);
        Set<String> all = docs.stream().map(Document::getId).collect(Collectors.toSet());
        EnumSet<ExpressionType> seen = EnumSet.noneOf(ExpressionType.class);
        Reference reference = new Reference(model);
        reference.add(docs);
        assertEquals(all, reference.ids());

        for (int i = 0; i < EXPRESSIONS; i++) {
            Expression expression = randomExpression(rnd, 3, seen);
            Set<String> expected = reference.selectedBy(expression);

            List<Document> hits = store.similaritySearch(SearchRequest.builder().query("document")
                    .topK(DOCS).similarityThresholdAll().filterExpression(expression).build());
            Set<String> found = hits.stream().map(Document::getId).collect(Collectors.toSet());
            assertEquals(expected, found, "search, seed " + seed + ", expression " + expression);
        }
        assertEquals(EnumSet.allOf(ExpressionType.class), seen, "seed " + seed);

        // Deleting by a few expressions, one after the other, leaves what the model leaves.
        for (int i = 0; i < 8; i++) {
            Expression expression = randomExpression(rnd, 2, seen);
            reference.delete(expression);
            store.delete(expression);
            assertEquals(reference.ids(), new HashSet<>(store.database().ids()),
                    "delete, seed " + seed + ", expression " + expression);
        }
    }

    private static List<Document> randomDocuments(Random rnd) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            Map<String, Object> metadata = new HashMap<>();
            if (rnd.nextInt(6) > 0) {
                metadata.put("country", COUNTRIES.get(rnd.nextInt(COUNTRIES.size())));
            }
            if (rnd.nextInt(4) > 0) {
                metadata.put("year", 2015 + rnd.nextInt(10));
            }
            if (rnd.nextInt(4) > 0) {
                metadata.put("price", rnd.nextInt(40) / 4.0);
            }
            if (rnd.nextInt(3) > 0) {
                metadata.put("active", rnd.nextBoolean());
            }
            if (rnd.nextInt(3) > 0) {
                metadata.put("rank", (long) rnd.nextInt(7) - 3);
            }
            docs.add(new Document("doc-" + i, "document number " + i + " about " + i % 7, metadata));
        }
        return docs;
    }

    private static Expression randomExpression(Random rnd, int depth, Set<ExpressionType> seen) {
        ExpressionType[] types = ExpressionType.values();
        ExpressionType type = types[rnd.nextInt(types.length)];
        if (depth == 0 && (type == ExpressionType.AND || type == ExpressionType.OR || type == ExpressionType.NOT)) {
            type = ExpressionType.EQ;
        }
        seen.add(type);
        return switch (type) {
            case AND, OR -> new Expression(type, maybeGroup(rnd, randomExpression(rnd, depth - 1, seen)),
                    maybeGroup(rnd, randomExpression(rnd, depth - 1, seen)));
            case NOT -> new Expression(type, maybeGroup(rnd, randomExpression(rnd, depth - 1, seen)));
            case ISNULL, ISNOTNULL -> new Expression(type, new Key(anyKey(rnd)));
            case GT, GTE, LT, LTE -> {
                String key = List.of("year", "price", "rank").get(rnd.nextInt(3));
                yield new Expression(type, key(rnd, key), new Value(number(rnd, key)));
            }
            case EQ, NE -> {
                String key = anyKey(rnd);
                yield new Expression(type, key(rnd, key), new Value(value(rnd, key)));
            }
            case IN, NIN -> {
                String key = anyKey(rnd);
                List<Object> values = new ArrayList<>();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    values.add(value(rnd, key));
                }
                yield new Expression(type, key(rnd, key), new Value(values));
            }
        };
    }

    private static Filter.Operand maybeGroup(Random rnd, Expression e) {
        return rnd.nextBoolean() ? new Filter.Group(e) : e;
    }

    /** Keys sometimes come quoted, as the text parser may give them. */
    private static Key key(Random rnd, String key) {
        return new Key(rnd.nextInt(5) == 0 ? "\"" + key + "\"" : key);
    }

    private static String anyKey(Random rnd) {
        return List.of("country", "year", "price", "active", "rank", "absent").get(rnd.nextInt(6));
    }

    private static Object value(Random rnd, String key) {
        return switch (key) {
            case "country", "absent" -> COUNTRIES.get(rnd.nextInt(COUNTRIES.size()));
            case "active" -> rnd.nextBoolean();
            default -> number(rnd, key);
        };
    }

    /** A number of a random Java type, so Integer, Long and Double meet each other. */
    private static Object number(Random rnd, String key) {
        double v = switch (key) {
            case "year" -> 2014 + rnd.nextInt(12);
            case "price" -> rnd.nextInt(44) / 4.0 - 0.5;
            default -> rnd.nextInt(9) - 4;
        };
        boolean integral = v == Math.rint(v);
        return switch (rnd.nextInt(3)) {
            case 0 -> integral ? (Object) (int) v : v;
            case 1 -> integral ? (Object) (long) v : v;
            default -> v;
        };
    }
}
