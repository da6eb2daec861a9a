package dev.quiver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The process {@link SaveKillRecoveryTest} kills during a save. Opens (recovers) the database, prints what recovery
 * decided ({@code STATE ...}), prints {@code READY}, writes batch {@code cycle} with one {@code upsertMany}, prints
 * {@code ACK cycle}, saves, prints {@code SAVED}, then waits to be killed.
 *
 * <p>Batch {@code c} is 40 new ids {@code c<c>-<j>} plus the {@link #SHARED} ids {@code s<j>} overwritten with cycle
 * {@code c}'s content: a recovery that kept batch c shows all 40 new ids and, if c is the last batch kept, the shared
 * ids at c. {@code STATE} lists, per cycle, how many of its new ids are present; {@code SHARED} the cycle each shared
 * id shows; {@code BAD} the records whose vector or metadata does not match their id.
 */
public final class SaveKillChild {
    static final int NEW_IDS = 40;
    static final int SHARED = 10;
    static final int DIM = 8;

    private SaveKillChild() {
    }

    static float[] vector(int cycle, int j) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = cycle * 1000 + j * 10 + d;
        }
        return v;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cycle = Integer.parseInt(args[1]);
        Database db = Database.open(dir, Config.dim(DIM).metric("l2"));
        report(db);
        System.out.println("READY");
        System.out.flush();
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Map<String, ?>> metadatas = new ArrayList<>();
        for (int j = 0; j < NEW_IDS; j++) {
            ids.add("c" + cycle + "-" + j);
            vectors.add(vector(cycle, j));
            metadatas.add(Map.of("cycle", cycle, "j", j));
        }
        for (int j = 0; j < SHARED; j++) {
            ids.add("s" + j);
            vectors.add(vector(cycle, 100 + j));
            metadatas.add(Map.of("cycle", cycle, "j", 100 + j));
        }
        db.upsertMany(ids, vectors.toArray(new float[0][]), metadatas);
        System.out.println("ACK " + cycle);
        System.out.flush();
        db.save();
        System.out.println("SAVED " + cycle);
        System.out.flush();
        Thread.sleep(600_000); // killed long before
    }

    private static void report(Database db) {
        TreeMap<Integer, Integer> perCycle = new TreeMap<>();
        List<Integer> shared = new ArrayList<>();
        int bad = 0;
        for (String id : db.ids()) {
            VectorRecord r = db.get(id);
            Object c = r.metadata() == null ? null : r.metadata().get("cycle");
            Object j = r.metadata() == null ? null : r.metadata().get("j");
            if (!(c instanceof Number cn) || !(j instanceof Number jn)) {
                bad++;
                continue;
            }
            int cyc = cn.intValue();
            int jj = jn.intValue();
            boolean vectorOk = java.util.Arrays.equals(r.vector(), vector(cyc, jj));
            if (id.startsWith("s")) {
                bad += vectorOk && id.equals("s" + (jj - 100)) ? 0 : 1;
                shared.add(cyc);
            } else {
                bad += vectorOk && id.equals("c" + cyc + "-" + jj) ? 0 : 1;
                perCycle.merge(cyc, 1, Integer::sum);
            }
        }
        StringBuilder line = new StringBuilder("STATE ");
        perCycle.forEach((c, n) -> line.append(c).append(':').append(n).append(','));
        line.append(" SHARED ").append(shared.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
        line.append(" BAD ").append(bad);
        System.out.println(line);
        System.out.flush();
    }
}
