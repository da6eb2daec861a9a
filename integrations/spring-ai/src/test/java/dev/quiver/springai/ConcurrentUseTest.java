package dev.quiver.springai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers adding batches while readers search: no search fails, every hit is a whole document (its text and metadata
 * belong to its id), filtered hits match their filter, and at the end every document is there.
 */
class ConcurrentUseTest {

    private static final int WRITERS = 3;
    private static final int BATCHES = 20;
    private static final int BATCH = 10;
    private static final int READERS = 3;

    @TempDir
    Path dir;

    @Test
    void concurrentAddsAndSearchesSeeWholeDocuments() throws Exception {
        try (QuiverVectorStore store = QuiverVectorStore.builder(dir.resolve("c"), new WordHashingEmbeddingModel())
                .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
            AtomicBoolean writing = new AtomicBoolean(true);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        for (int b = 0; b < BATCHES; b++) {
                            List<Document> docs = new ArrayList<>();
                            for (int i = 0; i < BATCH; i++) {
                                String id = "w" + writer + "-" + b + "-" + i;
                                docs.add(new Document(id, "text of " + id + " topic " + (i % 3),
                                        Map.of("writer", writer, "id", id)));
                            }
                            store.add(docs);
                        }
                        return null;
                    }));
                }
                List<Future<Integer>> readers = new ArrayList<>();
                for (int r = 0; r < READERS; r++) {
                    int reader = r;
                    readers.add(pool.submit(() -> {
                        int searches = 0;
                        while (writing.get() || searches < 5) {
                            SearchRequest.Builder request = SearchRequest.builder().query("topic " + searches % 3)
                                    .topK(20).similarityThresholdAll();
                            if (reader == 0) {
                                request.filterExpression("writer == " + (searches % WRITERS));
                            }
                            for (Document hit : store.similaritySearch(request.build())) {
                                assertEquals(hit.getId(), hit.getMetadata().get("id"));
                                assertTrue(hit.getText().startsWith("text of " + hit.getId() + " "), hit.toString());
                                if (reader == 0) {
                                    assertEquals(searches % WRITERS, hit.getMetadata().get("writer"));
                                }
                            }
                            searches++;
                        }
                        return searches;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get(120, TimeUnit.SECONDS);
                }
                writing.set(false);
                for (Future<Integer> f : readers) {
                    assertTrue(f.get(120, TimeUnit.SECONDS) >= 5);
                }
            } finally {
                writing.set(false);
                pool.shutdownNow();
            }
            Set<String> expected = new HashSet<>();
            for (int w = 0; w < WRITERS; w++) {
                for (int b = 0; b < BATCHES; b++) {
                    for (int i = 0; i < BATCH; i++) {
                        expected.add("w" + w + "-" + b + "-" + i);
                    }
                }
            }
            assertEquals(expected, new HashSet<>(store.database().ids()));
            assertEquals(WRITERS * BATCHES * BATCH, store.similaritySearch(SearchRequest.builder().query("topic")
                    .topK(1000).similarityThresholdAll().build()).size());
        }
    }
}
