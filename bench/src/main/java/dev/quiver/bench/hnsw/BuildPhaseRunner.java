package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a Quiver build's time goes, phase by phase, over several builds in one JVM (the first one pays the JIT's
 * warm-up, the later ones show the steady state). Per phase: wall seconds, process CPU seconds (all threads: the
 * build threads, the JIT compiler, GC), the JIT's and GC's own time during it as the JVM counts it (elapsed time of
 * compilations, which a busy machine stretches), and on Linux the compiler threads' CPU seconds ({@code /proc}).
 *
 * <ul>
 *   <li>{@code mode=db} (default): the public API as {@code bench/ann}'s Quiver engine uses it: {@code open},
 *       {@code addMany} in batches of 5,000 (phase {@code add}), {@code save} (default-ef calibration plus the
 *       generation's files), {@code close}.</li>
 *   <li>{@code mode=index}: the bare index: {@code insertBatch} of everything, then
 *       {@code calibrateDefaults(0.99)}. {@code slices=N} inserts in N equal batches, timing each (phases
 *       {@code insert1..N}), to show where in a cold build its extra time falls.</li>
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dquiver.datasets=DIR \
 *   -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.BuildPhaseRunner bigann-10k [mode=db] [rounds=3] \
 *   [threads=2] [m=16] [efc=200]
 * </pre>
 */
public final class BuildPhaseRunner {

    private static final int BATCH = 5_000;

    private BuildPhaseRunner() {
    }

    public static void main(String[] args) throws IOException {
        String spec = args[0];
        String mode = RunnerSupport.option(args, "mode", "db");
        int rounds = RunnerSupport.option(args, "rounds", 3);
        int threads = RunnerSupport.option(args, "threads", 2);
        int m = RunnerSupport.option(args, "m", 16);
        int efc = RunnerSupport.option(args, "efc", 200);
        int slices = RunnerSupport.option(args, "slices", 1);
        Dataset data = DatasetResolver.resolve(spec, null, 1, 10, 42, threads);
        System.out.printf(Locale.ROOT,
                "data set %s: %d x %d, %s; M %d, ef_construction %d, %d build threads, mode %s%n",
                data.name(), data.base().length, data.dim(), data.metric(), m, efc, threads, mode);
        for (int round = 1; round <= rounds; round++) {
            List<Phase> phases = mode.equals("index") ? indexRound(data, m, efc, threads, slices)
                    : dbRound(data, m, efc, threads);
            StringBuilder line = new StringBuilder("round " + round + ":");
            double wall = 0;
            double cpu = 0;
            for (Phase p : phases) {
                line.append(String.format(Locale.ROOT, "  %s %.3f s (cpu %.3f, jit %.3f, jit cpu %.2f, gc %.3f)",
                        p.name, p.wall, p.cpu, p.jit, p.jitCpu, p.gc));
                wall += p.wall;
                cpu += p.cpu;
            }
            line.append(String.format(Locale.ROOT, "  | total %.3f s (cpu %.3f)", wall, cpu));
            System.out.println(line);
        }
    }

    private static List<Phase> dbRound(Dataset data, int m, int efc, int threads) throws IOException {
        Path dir = Files.createTempDirectory("quiver-build-phases");
        List<Phase> phases = new ArrayList<>();
        float[][] base = data.base();
        try {
            Config config = Config.dim(data.dim()).metric(data.metric()).m(m).efConstruction(efc)
                    .buildThreads(threads);
            Clock clock = new Clock();
            Database db = Database.open(dir, config);
            phases.add(clock.lap("open"));
            try {
                RunnerSupport.addInBatches(db, base, BATCH);
                phases.add(clock.lap("add"));
                db.save();
                phases.add(clock.lap("save"));
            } finally {
                db.close();
            }
            phases.add(clock.lap("close"));
        } finally {
            RunnerSupport.deleteTree(dir);
        }
        return phases;
    }

    private static List<Phase> indexRound(Dataset data, int m, int efc, int threads, int slices) {
        List<Phase> phases = new ArrayList<>();
        HnswConfig cfg = new HnswConfig(data.dim(), data.metric(), m, efc, 42, threads, 0);
        Clock clock = new Clock();
        try (HnswIndex index = HnswIndex.create(cfg)) {
            float[][] base = data.base();
            for (int s = 0; s < slices; s++) {
                int from = (int) ((long) base.length * s / slices);
                int to = (int) ((long) base.length * (s + 1) / slices);
                index.insertBatch(Arrays.copyOfRange(base, from, to));
                phases.add(clock.lap(slices == 1 ? "insert" : "insert" + (s + 1)));
            }
            index.calibrateDefaults(0.99);
            phases.add(clock.lap("calibrate"));
            System.out.println("  calibrated: " + index.searchDefaults());
        }
        return phases;
    }

    private record Phase(String name, double wall, double cpu, double jit, double jitCpu, double gc) { }


    /** Wall, process CPU, JIT and GC time since the last lap. */
    private static final class Clock {
        private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean();
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private long wall = System.nanoTime();
        private long cpu = os.getProcessCpuTime();
        private long jitMillis = jit.getTotalCompilationTime();
        private long gcMillis = gcMillis();
        private double jitCpu = dev.quiver.bench.ann.CompilerThreads.cpuSeconds();

        Phase lap(String name) {
            long wallNow = System.nanoTime();
            long cpuNow = os.getProcessCpuTime();
            long jitNow = jit.getTotalCompilationTime();
            long gcNow = gcMillis();
            double jitCpuNow = dev.quiver.bench.ann.CompilerThreads.cpuSeconds();
            Phase p = new Phase(name, (wallNow - wall) / 1e9, (cpuNow - cpu) / 1e9, (jitNow - jitMillis) / 1e3,
                    jitCpuNow - jitCpu, (gcNow - gcMillis) / 1e3);
            jitCpu = jitCpuNow;
            wall = wallNow;
            cpu = cpuNow;
            jitMillis = jitNow;
            gcMillis = gcNow;
            return p;
        }

        private static long gcMillis() {
            long total = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                total += Math.max(0, gc.getCollectionTime());
            }
            return total;
        }
    }
}
