package dev.quiver.storage.gen;

/**
 * One data file of a generation as recorded in the manifest: the engine's logical name, the file name in the
 * database directory, the exact file length, and the payload length and CRC32C (which must match the file's header).
 */
public record FileEntry(String logicalName, String fileName, int kind, long fileBytes, long payloadBytes,
                        int payloadCrc) {
}
