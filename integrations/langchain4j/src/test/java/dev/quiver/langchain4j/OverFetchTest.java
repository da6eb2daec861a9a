package dev.quiver.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Conditions evaluated after the search (ContainsString, string ranges) never shorten the results: the store fetches
 * more candidates until maxResults matches are found or the candidates run out.
 */
class OverFetchTest {

    @TempDir
    Path dir;

    @Test
    void rareFarMatchesAreAllFound() {
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("db")).dimension(2).metric(Metric.EUCLIDEAN).build()) {
            // 1000 records on a line; the 7 that contain "needle" are the farthest from the query at 0.
            List<String> ids = new ArrayList<>();
            List<Embedding> embeddings = new ArrayList<>();
            List<TextSegment> segments = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                ids.add("r" + i);
                embeddings.add(Embedding.from(new float[] {i, 0}));
                String text = i >= 993 ? "a needle " + i : "hay " + i;
                segments.add(TextSegment.from(text, new Metadata().put("text", text).put("tag", i % 2 == 0 ? "b" : "d")));
            }
            store.addAll(ids, embeddings, segments);
            Embedding query = Embedding.from(new float[] {0, 0});

            List<String> got = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(5)
                    .filter(new ContainsString("text", "needle")).build())
                    .matches().stream().map(EmbeddingMatch::embeddingId).toList();
            assertEquals(List.of("r993", "r994", "r995", "r996", "r997"), got);

            // Exhaustion: asking for more than exist returns all 7.
            assertEquals(7, store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(50)
                    .filter(new ContainsString("text", "needle")).build()).matches().size());

            // A string range (lexicographic, evaluated exactly) with an indexed part: "tag" > "c" keeps the odd ones.
            List<String> odd = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(3)
                    .filter(new And(new IsGreaterThan("tag", "c"), new ContainsString("text", "needle"))).build())
                    .matches().stream().map(EmbeddingMatch::embeddingId).toList();
            assertEquals(List.of("r993", "r995", "r997"), odd);

            // minScore is a bound on distance: only the needles within distance^2 <= 995^2 qualify.
            double minScore = 1.0 / (1.0 + 995.0);
            List<String> near = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(5)
                    .minScore(minScore).filter(new ContainsString("text", "needle")).build())
                    .matches().stream().map(EmbeddingMatch::embeddingId).toList();
            assertEquals(List.of("r993", "r994", "r995"), near);
        }
    }
}
