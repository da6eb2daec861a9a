package dev.quiver.server;

/**
 * A request the server answers with an error: the HTTP status, a short machine-readable type and a message naming
 * the bad value. Rendered as {@code {"error": message, "type": type}}.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;

    public ApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public ApiException(int status, String type, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_argument", message);
    }

    static ApiException malformed(String message) {
        return new ApiException(400, "malformed_json", message);
    }
}
