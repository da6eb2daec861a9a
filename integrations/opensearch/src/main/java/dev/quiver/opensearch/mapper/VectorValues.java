package dev.quiver.opensearch.mapper;

import java.io.IOException;
import java.util.Locale;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.opensearch.core.xcontent.XContentParser;

/** Reads a vector from JSON and checks it against its field, with messages that name the field and the bad value. */
public final class VectorValues {

    /** Unit-length tolerance for dot_product, as float sums of squares drift. */
    private static final double UNIT_TOLERANCE = 1e-3;

    private VectorValues() {}

    /** Parses the array the parser stands on; the result has exactly {@code dimension} finite values. */
    public static float[] parse(XContentParser parser, String field, int dimension) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "field [%s] expects an array of %d numbers, got [%s]", field, dimension, parser.currentToken()));
        }
        float[] vector = new float[dimension];
        int count = 0;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_ARRAY) {
            if (token != XContentParser.Token.VALUE_NUMBER) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "field [%s] expects numbers, got [%s] at position %d", field, token, count));
            }
            float value = parser.floatValue();
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "field [%s] has a non-finite value [%s] at position %d", field, value, count));
            }
            if (count < dimension) {
                vector[count] = value;
            }
            count++;
        }
        checkDimension(field, dimension, count);
        return vector;
    }

    public static void checkDimension(String field, int expected, int actual) {
        if (actual != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "field [%s] has dimension %d but the vector has %d values", field, expected, actual));
        }
    }

    /** Rejects vectors the similarity cannot score: zero vectors for cosine, non-unit vectors for dot_product. */
    public static void checkForSimilarity(float[] vector, VectorSimilarityFunction similarity, String field) {
        if (similarity != VectorSimilarityFunction.COSINE && similarity != VectorSimilarityFunction.DOT_PRODUCT) {
            return;
        }
        double squares = 0;
        for (float v : vector) {
            squares += (double) v * v;
        }
        if (similarity == VectorSimilarityFunction.COSINE && squares == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "field [%s] uses cosine similarity, which is undefined for a zero vector", field));
        }
        if (similarity == VectorSimilarityFunction.DOT_PRODUCT && Math.abs(Math.sqrt(squares) - 1) > UNIT_TOLERANCE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "field [%s] uses dot_product similarity, which needs unit-length vectors; this one has length %s",
                    field, (float) Math.sqrt(squares)));
        }
    }
}
