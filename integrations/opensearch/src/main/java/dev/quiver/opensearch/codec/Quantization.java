package dev.quiver.opensearch.codec;

import java.util.Arrays;
import java.util.Locale;

/** How a {@code quiver_vector} field's vectors are stored for graph traversal (mapping parameter {@code quantization}). */
public enum Quantization {
    /** Full float32 vectors. */
    NONE("none"),
    /** 8-bit scalar codes for traversal, floats kept for re-ranking. */
    SQ8("sq8");

    private final String mappingValue;

    Quantization(String mappingValue) {
        this.mappingValue = mappingValue;
    }

    public String mappingValue() {
        return mappingValue;
    }

    public static Quantization parse(String value) {
        for (Quantization q : values()) {
            if (q.mappingValue.equals(value)) {
                return q;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "unknown quantization [%s]: expected one of %s",
                value, Arrays.stream(values()).map(Quantization::mappingValue).toList()));
    }
}
