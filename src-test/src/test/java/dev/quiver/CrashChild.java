package dev.quiver;

import java.nio.file.Path;

/**
 * The process {@link CrashRecoveryTest} kills: performs writes, printing {@code ACK i} after write {@code i} returned,
 * then waits to be killed. Arguments: directory, save mode (never | midway), durability (default | sync), count.
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean saveMidway = args[1].equals("midway");
        Durability durability = args[2].equals("sync") ? Durability.SYNC : Durability.DEFAULT;
        int count = Integer.parseInt(args[3]);
        Database db = Database.open(dir, Config.dim(4).metric("l2").durability(durability));
        for (int i = 0; i < count; i++) {
            CrashRecoveryTest.write(db, i);
            if (saveMidway && i == count / 2) {
                db.save();
            }
            System.out.println("ACK " + i);
            System.out.flush();
        }
        Thread.sleep(600_000); // killed long before
    }
}
