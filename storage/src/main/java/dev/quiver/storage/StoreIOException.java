package dev.quiver.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** An operating-system I/O failure while reading or writing a store file; the cause holds the original error. */
public final class StoreIOException extends StorageFailure {
    public StoreIOException(String message, IOException cause) {
        super(message + ": " + cause, cause);
    }

    public StoreIOException(Path file, String action, IOException cause) {
        this("cannot " + action + " " + file, cause);
    }

    /** Unwraps an {@link UncheckedIOException} thrown by a stream API. */
    public StoreIOException(Path file, String action, UncheckedIOException cause) {
        this(file, action, cause.getCause());
    }
}
