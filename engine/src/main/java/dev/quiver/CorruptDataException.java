package dev.quiver;

/** Stored or imported data failed its checks; the message names the file and what is wrong. Nothing from it is served. */
public class CorruptDataException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
