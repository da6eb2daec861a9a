package dev.quiver.internal.db;

import dev.quiver.CorruptDataException;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalRecordCodecTest {

    private static WalRecord roundTrip(WalRecord r) {
        byte[] payload = WalRecordCodec.encode(r);
        // Decode from an offset inside a larger buffer, as a log reader hands it over.
        byte[] framed = new byte[payload.length + 7];
        System.arraycopy(payload, 0, framed, 3, payload.length);
        return WalRecordCodec.decode(r.type(), framed, 3, payload.length, "wal", 1);
    }

    @Test
    void everyRecordKindRoundTripsAtOddDimensions() {
        Random rnd = new Random(7);
        for (int dim : new int[] {1, 3, 7, 15, 17, 33, 100, 127, 384, 769}) {
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            byte[] meta = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            for (WalRecord r : new WalRecord[] {
                    new WalRecord.Put(true, "id-" + dim, v, meta),
                    new WalRecord.Put(false, "ü日" + dim, v, null),
                    new WalRecord.Put(false, "x", v, new byte[0]),
                    new WalRecord.Update("u", v, null),
                    new WalRecord.Update("u", null, meta),
                    new WalRecord.Update("u", v, meta),
                    new WalRecord.Delete("d" + dim)}) {
                assertEquals(r, roundTrip(r), "dim " + dim + " " + r);
            }
        }
    }

    @Test
    void putPayloadLayoutIsAsDocumented() {
        byte[] p = WalRecordCodec.encode(new WalRecord.Put(true, "ab", new float[] {1f}, null));
        // version, u16 len, 'a','b', u32 dim, f32 1.0, i32 -1
        assertArrayEquals(new byte[] {1, 2, 0, 'a', 'b', 1, 0, 0, 0, 0, 0, (byte) 0x80, 0x3f, -1, -1, -1, -1}, p);
    }

    @Test
    void createRecordRoundTrips() {
        for (Metric metric : Metric.values()) {
            WalRecord r = new WalRecord.Create(769, metric, 16, 200, true, -5L);
            assertEquals(r, roundTrip(r));
        }
    }

    @Test
    void maximumLengthIdRoundTrips() {
        String id = "a".repeat(WalRecordCodec.MAX_ID_BYTES);
        assertEquals(id, ((WalRecord.Delete) roundTrip(new WalRecord.Delete(id))).id());
    }

    @Test
    void truncatedPayloadIsReportedNotSkipped() {
        byte[] p = WalRecordCodec.encode(new WalRecord.Put(false, "abc", new float[] {1f, 2f, 3f}, null));
        for (int len = 0; len < p.length; len++) {
            int l = len;
            CorruptDataException e = assertThrows(CorruptDataException.class,
                    () -> WalRecordCodec.decode(WalRecordCodec.TYPE_UPSERT, p, 0, l, "wal.log", 42));
            assertTrue(e.getMessage().contains("wal.log") && e.getMessage().contains("42"), e.getMessage());
        }
    }

    @Test
    void trailingBytesUnknownTypeAndVersionAreCorrupt() {
        byte[] p = WalRecordCodec.encode(new WalRecord.Delete("abc"));
        byte[] longer = Arrays.copyOf(p, p.length + 1);
        assertThrows(CorruptDataException.class,
                () -> WalRecordCodec.decode(WalRecordCodec.TYPE_DELETE, longer, 0, longer.length, "wal", 1));
        assertThrows(CorruptDataException.class, () -> WalRecordCodec.decode((byte) 99, p, 0, p.length, "wal", 1));
        byte[] badVersion = p.clone();
        badVersion[0] = 9;
        assertThrows(CorruptDataException.class,
                () -> WalRecordCodec.decode(WalRecordCodec.TYPE_DELETE, badVersion, 0, p.length, "wal", 1));
    }
}
