package dev.quiver.modular;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.Metric;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.simd.VectorOps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The life of a small database as a modular application lives it: open, add, filtered search, save, reopen, export.
 * Every step is checked against an exact answer computed here; any difference ends the run with an exception.
 * {@code main(dir)} prints one line, {@code modular-app ok ...}, naming the modules and the kernels that ran.
 */
public final class ModularApp {

    static final int DIM = 7;
    static final int RECORDS = 300;
    static final int GROUPS = 3;

    private ModularApp() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ModularApp DIR");
            System.exit(2);
        }
        System.out.println(run(Path.of(args[0])));
    }

    /** Runs the whole life cycle in {@code dir} (created, must not hold a database yet) and describes the run. */
    public static String run(Path dir) throws IOException {
        Random random = new Random(7);
        float[][] vectors = new float[RECORDS][DIM];
        for (float[] v : vectors) {
            for (int d = 0; d < DIM; d++) {
                v[d] = random.nextFloat() * 2 - 1;
            }
        }
        float[] query = vectors[11].clone();
        query[0] += 0.05f;
        Path db = dir.resolve("db");
        try (Database database = Database.open(db, Config.dim(DIM).metric(Metric.COSINE))) {
            List<String> ids = new ArrayList<>();
            List<Map<String, Object>> metadata = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                ids.add("r" + i);
                metadata.add(Map.of("group", i % GROUPS, "name", "record " + i));
            }
            database.addMany(ids, vectors, metadata);
            check(database, vectors, query);
            database.save();
        }
        Path export = dir.resolve("export.json");
        try (Database reopened = Database.open(db)) {
            if (reopened.count() != RECORDS || reopened.dim() != DIM || reopened.metric() != Metric.COSINE) {
                throw new IllegalStateException("reopened database has " + reopened.count() + " records, dim "
                        + reopened.dim() + ", " + reopened.metric());
            }
            check(reopened, vectors, query);
            reopened.exportJson(export, false);
        }
        long exported = Files.readString(export).split("\"id\"", -1).length - 1;
        if (exported != RECORDS) {
            throw new IllegalStateException("export holds " + exported + " records, expected " + RECORDS);
        }
        Module engine = Database.class.getModule();
        return "modular-app ok: app=" + ModularApp.class.getModule().getName() + " engine=" + engine.getName()
                + " kernels=" + VectorOps.implementationName() + " records=" + RECORDS;
    }

    /** The filtered search must return the exact 5 nearest records of group 1. */
    private static void check(Database database, float[][] vectors, float[] query) {
        List<SearchResult> hits = database.search(query, SearchParams.k(5).filter(Filter.eq("group", 1)));
        List<String> expected = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        for (int i = 1; i < RECORDS; i += GROUPS) {
            group.add(i);
        }
        group.sort(Comparator.comparingDouble(i -> cosineDistance(query, vectors[i])));
        for (int i = 0; i < 5; i++) {
            expected.add("r" + group.get(i));
        }
        List<String> actual = hits.stream().map(SearchResult::id).toList();
        if (!actual.equals(expected)) {
            throw new IllegalStateException("filtered search returned " + actual + ", exact answer " + expected);
        }
    }

    private static double cosineDistance(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            na += (double) a[d] * a[d];
            nb += (double) b[d] * b[d];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }
}
