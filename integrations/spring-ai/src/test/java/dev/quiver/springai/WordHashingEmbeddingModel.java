package dev.quiver.springai;

import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic test embedding model: a bag of words hashed into {@value #DIMENSIONS} signed buckets, normalized to
 * unit length. Texts that share words are close, so a question finds the passage that uses its words; a text with no
 * words (only stop words, or empty) embeds as the zero vector. It needs no network and no model file, and counts
 * its calls so tests can see what the store embedded.
 */
public final class WordHashingEmbeddingModel implements EmbeddingModel {

    public static final int DIMENSIONS = 128;

    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "by", "for", "from",
            "in", "is", "it", "its", "of", "on", "or", "that", "the", "to", "was", "what", "which", "who", "with");

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger textsEmbedded = new AtomicInteger();

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        calls.incrementAndGet();
        List<Embedding> out = new ArrayList<>();
        List<String> texts = request.getInstructions();
        for (int i = 0; i < texts.size(); i++) {
            out.add(new Embedding(embedText(texts.get(i)), i));
        }
        textsEmbedded.addAndGet(texts.size());
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        return embed(Objects.requireNonNullElse(document.getText(), ""));
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    /** Calls of {@link #call} so far (one per batch). */
    public int calls() {
        return calls.get();
    }

    /** Texts embedded so far. */
    public int textsEmbedded() {
        return textsEmbedded.get();
    }

    /** The embedding of a text, without counting a call. */
    public static float[] embedText(String text) {
        float[] v = new float[DIMENSIONS];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty() || STOP_WORDS.contains(word)) {
                continue;
            }
            int h = mix(word.hashCode());
            v[Math.floorMod(h, DIMENSIONS)] += (h & 0x4000_0000) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (norm > 0) {
            float inv = (float) (1.0 / Math.sqrt(norm));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    // A 32-bit finalizer (murmur3's), so similar words land in unrelated buckets.
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
