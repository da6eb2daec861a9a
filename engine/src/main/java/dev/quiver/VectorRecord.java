package dev.quiver;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/** A stored record: the vector exactly as it was given, and its metadata ({@code null} when it has none). */
public record VectorRecord(String id, float[] vector, Map<String, Object> metadata) {

    // Records compare arrays by identity; a stored record is a value, so compare the vector's contents.
    @Override
    public boolean equals(Object o) {
        return o instanceof VectorRecord(String otherId, float[] otherVector, Map<String, Object> otherMetadata)
                && id.equals(otherId)
                && Arrays.equals(vector, otherVector)
                && Objects.equals(metadata, otherMetadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(vector), metadata);
    }

    @Override
    public String toString() {
        return "VectorRecord[id=" + id + ", dim=" + vector.length + ", metadata=" + metadata + "]";
    }
}
