package dev.quiver.storage.wal;

import java.nio.file.Path;
import java.util.List;

/**
 * What opening (replaying) the WAL found; the engine logs it and puts the loss in its stats.
 *
 * @param recordsReplayed records delivered to the handler (LSN greater than the covered LSN)
 * @param recordsSkipped intact records at or below the covered LSN (already in the snapshot)
 * @param lastLsn the LSN of the last intact record, or the covered LSN if that is larger (0 for an empty database)
 * @param bytesDropped bytes cut off at the first torn or corrupt record (including later segments); 0 if clean
 * @param tornFile the segment where the log was cut, or null if clean
 * @param tornOffset byte offset of the cut in {@code tornFile}, or -1 if clean
 * @param reason why the log was cut there (e.g. "checksum mismatch"), or null if clean
 * @param damaged the cut was at damage no crash produces (opened up to it on request), not a torn tail
 * @param setAside files renamed or copied aside when opening up to damage (the records after it), else empty
 */
public record WalRecovery(long recordsReplayed, long recordsSkipped, long lastLsn, long bytesDropped, Path tornFile,
                          long tornOffset, String reason, boolean damaged, List<Path> setAside) {

    public WalRecovery {
        setAside = List.copyOf(setAside);
    }

    public boolean clean() {
        return bytesDropped == 0 && tornFile == null && !damaged;
    }

    @Override
    public String toString() {
        String base = "WAL replay: " + recordsReplayed + " records applied, " + recordsSkipped
                + " already in the snapshot, last LSN " + lastLsn;
        if (clean()) {
            return base;
        }
        return base + "; " + (damaged ? "DAMAGE: opened up to it, " : "") + "dropped " + bytesDropped + " bytes from "
                + tornFile + " at offset " + tornOffset + " (" + reason + ")"
                + (setAside.isEmpty() ? "" : "; set aside: " + setAside);
    }
}
