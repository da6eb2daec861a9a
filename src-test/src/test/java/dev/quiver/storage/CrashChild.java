package dev.quiver.storage;

import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.WritableFile;
import dev.quiver.storage.wal.WalWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The process that {@link CrashTest} and {@link DirectoryLockTest} kill. Modes:
 * <ul>
 *   <li>{@code lock DIR}: takes the directory lock, prints "locked", then waits to be killed.</li>
 *   <li>{@code wal DIR SEED}: opens the store (replaying the log), prints "ready", then appends records forever,
 *       printing each LSN once its append returned, and saves a generation now and then.</li>
 * </ul>
 */
public final class CrashChild {
    private CrashChild() {
    }

    /** The payload the record with {@code lsn} carries: length and bytes both derived from the LSN. */
    public static byte[] payloadFor(long lsn) {
        Random r = new Random(lsn * 0x9E3779B97F4A7C15L);
        byte[] b = new byte[(int) (lsn % 97) * 13];
        r.nextBytes(b);
        return b;
    }

    /** Records in the "marks" slab of a generation covering {@code lsn}, and the value of record i. */
    public static int markCount(long lsn) {
        return (int) (lsn % 50) + 1;
    }

    public static long markValue(long lsn, int i) {
        return lsn * 1000 + i;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path dir = Path.of(args[1]);
        if (args[0].equals("lock")) {
            try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
                out.println("locked " + lock.directory());
                out.flush();
                Thread.sleep(60_000);
            }
            return;
        }
        Random random = new Random(Long.parseLong(args[2]));
        try (DatabaseDirectory store = DatabaseDirectory.open(dir, true)) {
            WalWriter wal = store.openWal((lsn, type, payload) -> { });
            out.println("ready " + wal.nextLsn());
            out.flush();
            while (true) {
                long lsn = wal.nextLsn();
                boolean batch = random.nextInt(10) == 0;
                if (batch) {
                    long last = wal.appendBatch(new byte[] {1, 2}, new byte[][] {payloadFor(lsn), payloadFor(lsn + 1)},
                            random.nextBoolean());
                    out.println(last - 1);
                    out.println(last);
                } else {
                    long got = wal.append((byte) 1, payloadFor(lsn), random.nextInt(4) == 0);
                    out.println(got);
                }
                out.flush();
                if (random.nextInt(40) == 0) {
                    save(store, wal, random.nextBoolean());
                }
            }
        }
    }

    private static void save(DatabaseDirectory store, WalWriter wal, boolean roll) {
        long covered = roll ? wal.roll() : wal.lastLsn();
        int count = markCount(covered);
        try (GenerationWriter w = store.beginGeneration(); LongSlab marks = LongSlab.allocate()) {
            marks.ensureCapacity(count);
            for (int i = 0; i < count; i++) {
                marks.set(i, markValue(covered, i));
            }
            w.writeSlab("marks", marks.slab(), count);
            try (WritableFile f = w.create("state")) {
                f.writeLong(covered);
            }
            w.commit(covered, Map.of("covered", Long.toString(covered)));
        }
        wal.trimUpTo(covered);
    }
}
