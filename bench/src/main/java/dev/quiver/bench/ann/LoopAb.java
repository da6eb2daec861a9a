package dev.quiver.bench.ann;

import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Same-run A/B of one switch in Quiver's search loop: a static boolean field of an internal class (set by
 * reflection, so no API exists for it) is flipped between passes over the same open index, in alternating order per
 * round (A B, B A, ...), and the median CPU time per query of each side is reported per ef, with each side's
 * evaluations per query ({@link QuiverWork}) and recall@10, so a switch that changes the walk is compared at equal
 * recall too. CPU time of the query thread, not wall time: the machine is shared.
 *
 * <pre>
 * java ... dev.quiver.bench.ann.LoopAb --dataset wordnet-minilm-384 --work-dir /tmp/idx --ef 20,40,80 --rounds 7 \
 *     --switch property:quiver.hugePages
 * </pre>
 * {@code --switch property:NAME} is a system property read when an index opens (two copies of the index are opened,
 * one per side); {@code --switch CLASS#FIELD} a static non-final boolean added to the engine for the experiment and
 * removed afterwards (bench/results/loop.md lists the ones measured).
 * The index in {@code --work-dir} is built once (M 16, ef_construction 200; {@code --quantize true} for SQ8 codes,
 * {@code --metric} to override the data set's) and reused by later runs.
 */
public final class LoopAb {

    private LoopAb() {
    }

    public static void main(String[] argv) throws Exception {
        String dataset = "wordnet-minilm-384";
        Path workDir = null;
        List<Integer> efs = List.of(20, 40, 80);
        int rounds = 5;
        String switchSpec = null;
        int queries = 0;
        double minSeconds = 0.5;
        boolean quantize = false;
        Metric metric = null;
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--dataset" -> dataset = argv[i + 1];
                case "--work-dir" -> workDir = Path.of(argv[i + 1]);
                case "--ef" -> efs = Arrays.stream(argv[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--rounds" -> rounds = Integer.parseInt(argv[i + 1]);
                case "--switch" -> switchSpec = argv[i + 1];
                case "--queries" -> queries = Integer.parseInt(argv[i + 1]);
                case "--min-seconds" -> minSeconds = Double.parseDouble(argv[i + 1]);
                case "--quantize" -> quantize = switch (argv[i + 1]) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("--quantize " + argv[i + 1] + ": true or false");
                };
                case "--metric" -> metric = Metric.parse(argv[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        if (workDir == null || switchSpec == null) {
            throw new IllegalArgumentException("--work-dir DIR and --switch CLASS#FIELD are required");
        }
        Dataset data = DatasetResolver.resolve(dataset, metric, queries, 10, 42, 2);
        if (queries > 0) {
            data = data.limitQueries(queries);
        }
        if (!Files.isDirectory(workDir) || isEmpty(workDir)) {
            Files.createDirectories(workDir);
            QuiverEngine builder = new QuiverEngine(quantize);
            builder.build(data, new AnnEngine.BuildParams(data.metric(), 16, 200, 2), null, workDir,
                    new Progress("build", System.err));
            builder.close();
        }
        // Side 0 = switch off, side 1 = on. A field switch flips a static boolean over one open index; a property
        // switch (property:NAME) opens two copies of the index, one with -DNAME=false and one with -DNAME=true.
        Database[] dbs = new Database[2];
        Field toggle = null;
        boolean initial = false;
        if (switchSpec.startsWith("property:")) {
            String property = switchSpec.substring("property:".length());
            Path copy = workDir.resolveSibling(workDir.getFileName() + "-b");
            DirectorySize.deleteRecursively(copy);
            copyTree(workDir, copy);
            System.setProperty(property, "false");
            dbs[0] = Database.open(workDir);
            System.setProperty(property, "true");
            dbs[1] = Database.open(copy);
            System.clearProperty(property);
            Thread.sleep(3000); // let background work started at open finish
            Path rollup = Path.of("/proc/self/smaps_rollup");
            if (Files.isReadable(rollup)) {
                Files.readAllLines(rollup).stream().filter(l -> l.startsWith("AnonHugePages"))
                        .forEach(l -> System.out.println("after opening both: " + l.replaceAll(" +", " ")));
            }
        } else {
            toggle = field(switchSpec);
            initial = toggle.getBoolean(null);
            dbs[0] = Database.open(workDir);
            dbs[1] = dbs[0];
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            System.out.printf(Locale.ROOT, "%s: %d x %d, %s, %d queries; switch %s (default %s)%n", data.name(),
                    data.base().length, data.dim(), data.metric(), data.queries().length, switchSpec, initial);
            double[][][] cpu = new double[2][efs.size()][rounds];
            for (int side = 0; side < 2; side++) {
                if (toggle != null) {
                    toggle.setBoolean(null, side == 1);
                }
                for (int ef : efs) {
                    pass(dbs[side], data.queries(), ef); // JIT warm-up
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int turn = 0; turn < 2; turn++) {
                    int side = (r + turn) % 2;   // the order alternates per round
                    if (toggle != null) {
                        toggle.setBoolean(null, side == 1);
                    }
                    Database db = dbs[side];
                    for (int e = 0; e < efs.size(); e++) {
                        int ef = efs.get(e);
                        pass(db, data.queries(), ef);
                        long searches = 0;
                        long cpu0 = threads.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        do {
                            pass(db, data.queries(), ef);
                            searches += data.queries().length;
                        } while (System.nanoTime() - t0 < minSeconds * 1e9);
                        cpu[side][e][r] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / searches;
                    }
                }
            }
            // Evaluations and recall per side: a switch may change the walk itself, not only its speed.
            double[][] evals = new double[2][efs.size()];
            double[][] recall = new double[2][efs.size()];
            for (int side = 0; side < 2; side++) {
                if (toggle != null) {
                    toggle.setBoolean(null, side == 1);
                }
                for (int e = 0; e < efs.size(); e++) {
                    int ef = efs.get(e);
                    long sum = 0;
                    for (float[] q : data.queries()) {
                        sum += QuiverWork.distances(dbs[side], q, 10, ef, null);
                    }
                    evals[side][e] = (double) sum / data.queries().length;
                    recall[side][e] = QueryRunner.recall(answers(dbs[side], data.queries(), ef), data.groundTruth(),
                            10);
                }
            }
            if (toggle != null) {
                toggle.setBoolean(null, initial);
            }
            System.out.println("   ef  evals/q off/on     recall off/on   off us/q    on us/q   on/off"
                    + "  (median over rounds; per-round ratios)");
            for (int e = 0; e < efs.size(); e++) {
                int ef = efs.get(e);
                double off = median(cpu[0][e]);
                double on = median(cpu[1][e]);
                StringBuilder ratios = new StringBuilder();
                for (int r = 0; r < rounds; r++) {
                    ratios.append(String.format(Locale.ROOT, " %.3f", cpu[1][e][r] / cpu[0][e][r]));
                }
                System.out.printf(Locale.ROOT, "%5d %7.0f /%6.0f %8.4f /%7.4f %10.1f %10.1f %8.3f  (%s)%n", ef,
                        evals[0][e], evals[1][e], recall[0][e], recall[1][e], off, on, on / off,
                        ratios.toString().trim());
            }
        } finally {
            dbs[0].close();
            if (dbs[1] != dbs[0]) {
                dbs[1].close();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void pass(Database db, float[][] queries, int ef) {
        SearchParams params = SearchParams.k(10).efSearch(ef);
        for (float[] q : queries) {
            db.search(q, params);
        }
    }

    private static int[][] answers(Database db, float[][] queries, int ef) {
        int[][] out = new int[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            out[i] = db.search(queries[i], SearchParams.k(10).efSearch(ef)).stream()
                    .mapToInt(h -> Integer.parseInt(h.id())).toArray();
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    private static Field field(String spec) throws ReflectiveOperationException {
        int hash = spec.indexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("--switch must be CLASS#FIELD, got " + spec);
        }
        Field f = Class.forName(spec.substring(0, hash)).getDeclaredField(spec.substring(hash + 1));
        if (f.getType() != boolean.class || !java.lang.reflect.Modifier.isStatic(f.getModifiers())
                || java.lang.reflect.Modifier.isFinal(f.getModifiers())) {
            throw new IllegalArgumentException(spec + " is not a static non-final boolean");
        }
        f.setAccessible(true);
        return f;
    }

}
