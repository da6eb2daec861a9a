package dev.quiver.opensearch.mapper;

import java.util.Locale;
import java.util.Map;
import org.apache.lucene.index.VectorSimilarityFunction;

/** The mapping names of Lucene's vector similarities; scores follow Lucene's convention (higher is closer). */
public final class SimilarityNames {

    private static final Map<String, VectorSimilarityFunction> BY_NAME = Map.of(
            "euclidean", VectorSimilarityFunction.EUCLIDEAN,
            "l2", VectorSimilarityFunction.EUCLIDEAN,
            "dot_product", VectorSimilarityFunction.DOT_PRODUCT,
            "cosine", VectorSimilarityFunction.COSINE,
            "max_inner_product", VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

    private SimilarityNames() {}

    public static VectorSimilarityFunction parse(String name) {
        VectorSimilarityFunction function = name == null ? null : BY_NAME.get(name);
        if (function == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "unknown similarity [%s]: expected one of [euclidean, l2, dot_product, cosine, max_inner_product]",
                    name));
        }
        return function;
    }
}
