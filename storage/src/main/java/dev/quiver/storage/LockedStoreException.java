package dev.quiver.storage;

import java.nio.file.Path;

/** The directory is already open: by another process, or by another handle in this process. */
public final class LockedStoreException extends StorageFailure {
    private final transient Path directory;

    public LockedStoreException(Path directory, String holder) {
        super("database directory " + directory + " is locked by " + holder);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
