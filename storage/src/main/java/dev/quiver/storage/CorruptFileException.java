package dev.quiver.storage;

import java.nio.file.Path;

/** A file's bytes cannot be trusted: bad magic, unsupported version, inconsistent sizes or a checksum mismatch. */
public class CorruptFileException extends StorageFailure {
    private final transient Path file;

    public CorruptFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file whose contents were rejected. */
    public Path file() {
        return file;
    }
}
