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
}
