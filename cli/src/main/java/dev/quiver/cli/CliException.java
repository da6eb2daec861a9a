package dev.quiver.cli;

/** A command failure with its exit code; the message is printed as one line on stderr. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException invalid(String message) {
        return new CliException(ExitCodes.INVALID_INPUT, message);
    }
}
