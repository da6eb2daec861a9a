package dev.quiver;

/** An unknown metric name: {@code invalid metric 'x': use 'cosine', 'euclidean'/'l2', or 'dot'/'dot_product'}. */
public class InvalidMetricException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public InvalidMetricException(String message) {
        super(message);
    }

    public InvalidMetricException(String message, Throwable cause) {
        super(message, cause);
    }
}
