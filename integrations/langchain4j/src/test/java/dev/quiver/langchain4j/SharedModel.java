package dev.quiver.langchain4j;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/** LangChain4j's in-jar MiniLM model (384 dimensions), loaded once per test JVM: loading costs about a second. */
final class SharedModel {

    static final int DIM = 384;

    private static EmbeddingModel model;

    private SharedModel() {
    }

    static synchronized EmbeddingModel get() {
        if (model == null) {
            model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        }
        return model;
    }
}
