package dev.quiver.opensearch.mapper;

import dev.quiver.opensearch.codec.Quantization;
import org.apache.lucene.index.VectorSimilarityFunction;

/** A {@code quiver_vector} field's mapping: what its vectors are and how its graph is built. */
public record VectorFieldParams(
        int dimension, VectorSimilarityFunction similarity, int m, int efConstruction, Quantization quantization) {}
