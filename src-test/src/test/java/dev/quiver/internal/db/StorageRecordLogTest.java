package dev.quiver.internal.db;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StorageRecordLogTest {

    @TempDir
    Path dir;

    @Test
    void aLargeBatchIsSplitIntoSeveralAppendsAndReplaysInOrder() {
        List<WalRecord> written = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            written.add(new WalRecord.Put(i % 2 == 0, "id" + i, new float[] {i, -i, 0.5f}, i % 3 == 0 ? null
                    : ("{\"i\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        try (StorageRecordLog log = StorageRecordLog.open(dir, 300)) {
            assertEquals(0, log.replay(0, (lsn, r) -> { }));
            assertNull(StorageRecordLog.findCreate(dir));
            log.append(new WalRecord.Create(3, Metric.COSINE, 16, 200, false, 1), false);
            long last = log.appendAll(written, true);
            assertEquals(101, last);
        }
        assertEquals(new WalRecord.Create(3, Metric.COSINE, 16, 200, false, 1), StorageRecordLog.findCreate(dir));
        List<WalRecord> read = new ArrayList<>();
        List<Long> lsns = new ArrayList<>();
        try (StorageRecordLog log = StorageRecordLog.open(dir)) {
            assertEquals(0, log.replay(1, (lsn, r) -> {
                read.add(r);
                lsns.add(lsn);
            }));
        }
        assertEquals(written, read);
        assertEquals(2L, lsns.getFirst());
        assertEquals(101L, lsns.getLast());
    }

    @Test
    void aBatchWhoseLaterWriteFailsNeverReplaysInPart() throws Exception {
        List<WalRecord> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(new WalRecord.Put(false, "id" + i, new float[] {i, -i, 0.5f}, null));
        }
        try (StorageRecordLog log = StorageRecordLog.open(dir, 300)) {
            log.replay(0, (lsn, r) -> { });
            log.append(new WalRecord.Create(3, Metric.COSINE, 16, 200, false, 1), false);
            int[] writes = {0};
            dev.quiver.storage.FaultInjection.install((op, file) -> {
                if (file.startsWith(dir) && (op == dev.quiver.storage.FaultInjection.Op.WRITE && ++writes[0] == 2
                        || op == dev.quiver.storage.FaultInjection.Op.TRUNCATE)) {
                    throw new java.io.IOException("Input/output error (injected " + op + ")");
                }
            });
            try {
                org.junit.jupiter.api.Assertions.assertThrows(dev.quiver.StorageException.class,
                        () -> log.appendAll(batch, false));
            } finally {
                dev.quiver.storage.FaultInjection.clear();
            }
        }
        List<Long> lsns = new ArrayList<>();
        try (StorageRecordLog log = StorageRecordLog.open(dir)) {
            log.replay(1, (lsn, r) -> lsns.add(lsn));
        }
        assertEquals(List.of(), lsns, "no record of the rejected batch replays");
    }
}
