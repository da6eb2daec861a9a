package dev.quiver.bench.ann;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JIT compiler threads' CPU time, so a build's report can say how much of a cold JVM's build went to compiling
 * (a short build in a fresh JVM pays most of it; native peers pay none). Read from Linux's {@code /proc}; a compiler
 * thread the JVM retired meanwhile takes its time with it, so this is a lower bound.
 */
public final class CompilerThreads {

    private CompilerThreads() {
    }

    /** CPU seconds of this process's JIT compiler threads so far (Linux {@code /proc}; NaN elsewhere). */
    public static double cpuSeconds() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return Double.NaN;
        }
        double ticks = 0;
        try (var dirs = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) dirs::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                } catch (IOException | RuntimeException e) {
                    // a compiler thread that ended meanwhile: its time is gone from /proc, skip it
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ticks / 100.0; // USER_HZ, 100 on Linux
    }
}
