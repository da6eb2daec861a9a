package dev.quiver.storage.wal;

import dev.quiver.storage.CorruptFileException;
import java.nio.file.Path;

/** The log is damaged in a way no crash produces (see {@link WalFormat}); nothing was changed. */
public final class LogDamageException extends CorruptFileException {
    public LogDamageException(Path file, String problem) {
        super(file, problem);
    }
}
