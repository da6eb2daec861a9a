package dev.quiver;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Seeded random sequences of every write, with saves, close/reopen and compactions mixed in, checked after every
 * step against an in-memory model (a LinkedHashMap: its iteration order is insertion order, and re-putting a key keeps
 * its place, exactly the order {@code ids()} promises). Failures name the seed and the step.
 */
class DatabaseModelTest {

    @TempDir
    Path tmp;

    private record Rec(float[] vector, Map<String, Object> metadata) { }

    /** A filter and the model's own predicate for it (written independently of the engine's evaluator). */
    private record ModelFilter(Filter filter, Predicate<Map<String, Object>> predicate) { }

    private static final List<ModelFilter> FILTERS = List.of(
            new ModelFilter(Filter.eq("g", 2), m -> m != null && Long.valueOf(2).equals(m.get("g"))),
            new ModelFilter(Filter.gte("s", 0.5), m -> m != null && m.get("s") instanceof Double d && d >= 0.5),
            new ModelFilter(Filter.and(Filter.in("g", 0, 1), Filter.lt("s", 0.3)),
                    m -> m != null && (Long.valueOf(0).equals(m.get("g")) || Long.valueOf(1).equals(m.get("g")))
                            && m.get("s") instanceof Double d && d < 0.3),
            new ModelFilter(Filter.ne("g", 3), m -> m == null || !Long.valueOf(3).equals(m.get("g"))),
            new ModelFilter(Filter.exists("s"), m -> m != null && m.containsKey("s")));

    @Test
    @Tag("scalar-path")
    void randomOperationSequencesMatchTheModel() {
        int[] dims = {1, 3, 7, 17};
        long base = Long.getLong("quiver.modelSeed", 20261124L);
        int seeds = Integer.getInteger("quiver.modelSeeds", 4);
        int steps = Integer.getInteger("quiver.modelSteps", 120);
        for (int s = 0; s < seeds; s++) {
            long seed = base + s;
            run(seed, dims[s % dims.length], Metric.values()[s % 3], steps);
        }
    }

    private void run(long seed, int dim, Metric metric, int steps) {
        Random rnd = new Random(seed);
        Path path = tmp.resolve("db-" + seed);
        Config cfg = Config.dim(dim).metric(metric).seed(seed).walCheckpointBytes(rnd.nextBoolean() ? 4_096 : 1 << 30);
        LinkedHashMap<String, Rec> model = new LinkedHashMap<>();
        Database db = Database.open(path, cfg);
        try {
            for (int step = 0; step < steps; step++) {
                String where = "seed " + seed + " (dim " + dim + ", " + metric + ") step " + step;
                String op = step(db, model, rnd, dim, where);
                if (op.equals("reopen")) {
                    db.close();
                    db = Database.open(path);
                } else if (op.equals("reopen-config")) {
                    db.close();
                    db = Database.open(path, cfg);
                } else if (op.equals("crash-image")) {
                    // The directory as a crash would leave it: the last generation plus the log written since.
                    // Opening the copy maps the generation's files and replays the log on top of them.
                    Path image = tmp.resolve("crash-" + seed + "-" + step);
                    copyDirectory(path, image);
                    try (Database copy = Database.open(image)) {
                        check(copy, model, rnd, dim, metric, where + " in a crash image");
                    }
                }
                check(db, model, rnd, dim, metric, where + " after " + op);
            }
        } finally {
            db.close();
        }
    }

    private static String randomId(Random rnd) {
        return "id" + rnd.nextInt(60);
    }

    private static Map<String, Object> randomMeta(Random rnd) {
        int r = rnd.nextInt(10);
        if (r == 0) {
            return null;
        }
        Map<String, Object> m = new HashMap<>();
        m.put("g", (long) rnd.nextInt(5));
        if (r > 3) {
            m.put("s", rnd.nextInt(100) / 100.0);
        }
        return m;
    }

    private static float[] randomVector(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = rnd.nextInt(21) / 4f - 2.5f; // coarse values: ties and duplicates happen
        }
        return v;
    }

    private String step(Database db, LinkedHashMap<String, Rec> model, Random rnd, int dim, String where) {
        int op = rnd.nextInt(100);
        if (op < 20) {
            String id = randomId(rnd);
            float[] v = randomVector(rnd, dim);
            Map<String, Object> meta = randomMeta(rnd);
            if (model.containsKey(id)) {
                assertThrows(DuplicateIdException.class, () -> db.add(id, v, meta), where);
            } else {
                db.add(id, v, meta);
                model.put(id, new Rec(v, meta));
            }
            return "add";
        } else if (op < 35) {
            String id = randomId(rnd);
            float[] v = randomVector(rnd, dim);
            Map<String, Object> meta = randomMeta(rnd);
            db.upsert(id, v, meta);
            model.put(id, new Rec(v, meta));
            return "upsert";
        } else if (op < 45) {
            int n = 1 + rnd.nextInt(30);
            List<String> ids = new ArrayList<>();
            float[][] vs = new float[n][];
            List<Map<String, Object>> metas = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add("b" + rnd.nextInt(400));
                vs[i] = randomVector(rnd, dim);
                metas.add(randomMeta(rnd));
            }
            boolean clash = ids.stream().distinct().count() < n || ids.stream().anyMatch(model::containsKey);
            if (clash) {
                assertThrows(DuplicateIdException.class, () -> db.addMany(ids, vs, metas), where);
            } else {
                db.addMany(ids, vs, metas);
                for (int i = 0; i < n; i++) {
                    model.put(ids.get(i), new Rec(vs[i], metas.get(i)));
                }
            }
            return "addMany";
        } else if (op < 55) {
            int n = 1 + rnd.nextInt(20);
            List<String> ids = new ArrayList<>();
            float[][] vs = new float[n][];
            List<Map<String, Object>> metas = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(rnd.nextBoolean() ? randomId(rnd) : "b" + rnd.nextInt(400));
                vs[i] = randomVector(rnd, dim);
                metas.add(randomMeta(rnd));
            }
            db.upsertMany(ids, vs, metas);
            for (int i = 0; i < n; i++) {
                model.put(ids.get(i), new Rec(vs[i], metas.get(i)));
            }
            return "upsertMany";
        } else if (op < 65) {
            String id = rnd.nextInt(4) == 0 ? randomId(rnd) : pick(model, rnd);
            if (id == null) {
                return "noop";
            }
            float[] v = rnd.nextBoolean() ? randomVector(rnd, dim) : null;
            Map<String, Object> meta = v == null || rnd.nextBoolean() ? randomMetaNonNull(rnd) : null;
            if (!model.containsKey(id)) {
                assertThrows(NotFoundException.class, () -> db.update(id, v, meta), where);
            } else {
                db.update(id, v, meta);
                Rec old = model.get(id);
                model.put(id, new Rec(v != null ? v : old.vector(), meta != null ? meta : old.metadata()));
            }
            return "update";
        } else if (op < 78) {
            String id = rnd.nextInt(3) == 0 ? randomId(rnd) : pick(model, rnd);
            if (id == null) {
                return "noop";
            }
            assertEquals(model.remove(id) != null, db.delete(id), where);
            return "delete";
        } else if (op < 84) {
            List<String> ids = new ArrayList<>();
            for (int i = rnd.nextInt(8); i > 0; i--) {
                String id = rnd.nextBoolean() ? pick(model, rnd) : randomId(rnd);
                if (id != null) {
                    ids.add(id);
                }
            }
            int expected = 0;
            for (String id : ids.stream().distinct().toList()) {
                if (model.remove(id) != null) {
                    expected++;
                }
            }
            assertEquals(expected, db.deleteMany(ids), where);
            return "deleteMany";
        } else if (op < 89) {
            db.save();
            return "save";
        } else if (op < 93) {
            db.compact();
            assertEquals(0, db.deletedCount(), where);
            return "compact";
        } else if (op < 95) {
            return "reopen";
        } else if (op < 98) {
            return "crash-image";
        } else {
            return "reopen-config";
        }
    }

    private static void copyDirectory(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path f : files.toList()) {
                    if (!f.getFileName().toString().equals("quiver.lock")) {
                        Files.copy(f, to.resolve(f.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> randomMetaNonNull(Random rnd) {
        Map<String, Object> m = randomMeta(rnd);
        return m == null ? Map.of("g", 4L) : m;
    }

    private static String pick(LinkedHashMap<String, Rec> model, Random rnd) {
        if (model.isEmpty()) {
            return null;
        }
        int i = rnd.nextInt(model.size());
        for (String id : model.keySet()) {
            if (i-- == 0) {
                return id;
            }
        }
        throw new AssertionError();
    }

    private void check(Database db, LinkedHashMap<String, Rec> model, Random rnd, int dim, Metric metric,
                       String where) {
        assertEquals(List.copyOf(model.keySet()), db.ids(), where + ": ids");
        assertEquals(model.size(), db.size(), where + ": size");
        assertEquals(model.size(), db.count(), where + ": count");
        assertEquals(db.totalSlots() - db.size(), db.deletedCount(), where + ": slots");
        for (int i = 0; i < 5; i++) {
            String id = rnd.nextBoolean() ? pick(model, rnd) : randomId(rnd);
            if (id == null) {
                continue;
            }
            Rec want = model.get(id);
            assertEquals(want != null, db.contains(id), where + ": contains " + id);
            if (want != null) {
                VectorRecord got = db.get(id);
                assertArrayEquals(want.vector(), got.vector(), where + ": vector of " + id);
                assertEquals(want.metadata(), got.metadata(), where + ": metadata of " + id);
            } else {
                assertThrows(NotFoundException.class, () -> db.get(id), where);
            }
        }
        for (ModelFilter f : FILTERS) {
            long expected = model.values().stream().filter(r -> f.predicate().test(r.metadata())).count();
            assertEquals(expected, db.count(f.filter()), where + ": count " + f.filter());
        }
        float[] q = randomVector(rnd, dim);
        int k = 1 + rnd.nextInt(12);
        ModelFilter f = rnd.nextInt(3) == 0 ? FILTERS.get(rnd.nextInt(FILTERS.size())) : null;
        List<Float> expected = model.values().stream()
                .filter(r -> f == null || f.predicate().test(r.metadata()))
                .map(r -> DbTesting.distance(metric, q, r.vector()))
                .sorted(Comparator.naturalOrder()).limit(k).toList();
        SearchParams params = SearchParams.k(k).exact(true);
        if (f != null) {
            params = params.filter(f.filter());
        }
        List<SearchResult> got = db.search(q, params);
        assertEquals(expected.size(), got.size(), where + ": result count");
        for (int i = 0; i < got.size(); i++) {
            SearchResult r = got.get(i);
            assertEquals(expected.get(i), r.distance(), 1e-3f * Math.max(1f, Math.abs(expected.get(i))),
                    where + ": distance " + i);
            Rec rec = model.get(r.id());
            assertEquals(DbTesting.distance(metric, q, rec.vector()), r.distance(),
                    1e-3f * Math.max(1f, Math.abs(r.distance())), where + ": result " + r.id());
        }
        // The default (planner-chosen) search agrees on small collections, which are scanned exactly.
        List<SearchResult> auto = db.search(q, f == null ? SearchParams.k(k) : SearchParams.k(k).filter(f.filter()));
        assertEquals(got.size(), auto.size(), where + ": auto count");
    }
}
