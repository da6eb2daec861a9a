package dev.quiver;

/** When an acknowledged write is safe. */
public enum Durability {
    /** The write-ahead log record is handed to the operating system before the call returns: survives a killed process. */
    DEFAULT,
    /**
     * The record is forced to the device before the call returns: survives power loss. A batch, and concurrent
     * writers, share one force (group commit).
     */
    SYNC
}
