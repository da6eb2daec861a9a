package dev.quiver.bench.hnsw;

import dev.quiver.Database;
import dev.quiver.SearchParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Does a search stay fast once the JVM has seen other kinds of memory segment? Opens a saved database (its vectors
 * move into huge pages in the background unless {@code -Dquiver.hugePages=false}), times random queries (CPU per
 * query, best of five passes of 2,000), then runs code that uses heap segments, and times the same queries again.
 * Session 8 found the kernels' compiled code unstable when they met mapped-file and plain native segments together
 * (trap and recompile loops, 10-30x slower searches in some runs); {@code mode} chooses what the JVM does in between:
 * <ul>
 *   <li>{@code none}: nothing (the database's own background work only);</li>
 *   <li>{@code plain}: element reads from heap segments of bytes, floats and ints;</li>
 *   <li>{@code vector}: the same, plus Vector API loads from a heap segment of floats;</li>
 *   <li>{@code append}: adds {@code add} random vectors (default 20,000) to the opened database, so that its slabs
 *   gain chunks allocated after the open next to the ones opened from its files. Without
 *   {@code --enable-native-access} this mixed the JDK's mapped-file and plain native segment classes until session
 *   10, when files opened without it began to be read into memory instead (bench/results/session10.md);</li>
 *   <li>{@code open}: no search; opens and closes the database six times and prints each open's wall time (the
 *   first pays for class loading; without native access each open reads the files, with it each maps them).</li>
 * </ul>
 * Run it several times per mode: the JIT's outcome varies from run to run.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED [-Dquiver.hugePages=false] \
 *   -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.SegmentKindProbe DB_DIR [mode=none] [ef=28] [add=20000]
 * </pre>
 */
public final class SegmentKindProbe {

    private static long sink;

    private SegmentKindProbe() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String mode = RunnerSupport.option(args, "mode", "none");
        int ef = RunnerSupport.option(args, "ef", 28);
        int add = RunnerSupport.option(args, "add", 20_000);
        if (!java.util.List.of("none", "plain", "vector", "append", "open").contains(mode)) {
            throw new IllegalArgumentException("mode must be none, plain, vector, append or open, got " + mode);
        }
        if (mode.equals("open")) {
            printOpenTimes(dir);
            return;
        }
        Path copy = null;
        if (mode.equals("append")) { // appends go to a copy: the saved database stays as it was
            copy = copyTree(dir);
            dir = copy;
        }
        try (Database db = Database.open(dir)) {
            SplittableRandom random = new SplittableRandom(1);
            float[][] queries = new float[2000][db.dim()];
            for (float[] q : queries) {
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) random.nextDouble();
                }
            }
            SearchParams params = SearchParams.k(10).efSearch(ef);
            best(db, queries, params);
            best(db, queries, params);
            double before = best(db, queries, params);
            if (mode.equals("append")) {
                for (int i = 0; i < add; i++) {
                    float[] v = new float[db.dim()];
                    for (int d = 0; d < v.length; d++) {
                        v[d] = (float) random.nextDouble();
                    }
                    db.add("segment-kind-probe-" + i, v);
                }
            } else if (!mode.equals("none")) {
                useHeapSegments(mode.equals("vector"));
            }
            for (int i = 0; i < 5; i++) {
                best(db, queries, params);
            }
            double after = best(db, queries, params);
            System.out.printf(Locale.ROOT, "mode %s ef %d: before %.1f us/query, after %.1f us/query (sink %d)%n",
                    mode, ef, before, after, sink);
        } finally {
            if (copy != null) {
                RunnerSupport.deleteTree(copy);
            }
        }
    }

    private static void printOpenTimes(Path dir) {
        StringBuilder line = new StringBuilder("mode open, native access "
                + SegmentKindProbe.class.getModule().isNativeAccessEnabled() + ": ms per open");
        for (int i = 0; i < 6; i++) {
            long t0 = System.nanoTime();
            try (Database db = Database.open(dir)) {
                line.append(String.format(Locale.ROOT, " %.1f", (System.nanoTime() - t0) / 1e6));
                sink += db.count();
            }
        }
        System.out.println(line);
    }

    private static Path copyTree(Path source) throws IOException {
        Path target = Files.createTempDirectory("quiver-segment-kind");
        try (var paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }

    private static double best(Database db, float[][] queries, SearchParams params) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 5; pass++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (float[] q : queries) {
                sink += db.search(q, params).size();
            }
            best = Math.min(best, (threads.getCurrentThreadCpuTime() - t0) / 1e3 / queries.length);
        }
        return best;
    }

    private static void useHeapSegments(boolean vectorLoads) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[64]);
        MemorySegment floats = MemorySegment.ofArray(new float[64]);
        MemorySegment ints = MemorySegment.ofArray(new int[64]);
        for (int i = 0; i < 100_000; i++) {
            sink += bytes.get(ValueLayout.JAVA_BYTE, i & 63) + (long) floats.get(ValueLayout.JAVA_FLOAT, 4L * (i & 15))
                    + ints.get(ValueLayout.JAVA_INT, 4L * (i & 15));
            if (vectorLoads) {
                sink += (long) FloatVector.fromMemorySegment(FloatVector.SPECIES_PREFERRED, floats, 0,
                        ByteOrder.LITTLE_ENDIAN).reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
