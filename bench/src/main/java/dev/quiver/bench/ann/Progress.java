package dev.quiver.bench.ann;

import java.io.PrintStream;

/**
 * A one-line percentage for long phases, printed at most every two seconds (and at 100 %), to stderr so the
 * results on stdout stay clean.
 */
public final class Progress {

    private static final long PRINT_INTERVAL_NANOS = 2_000_000_000L;

    private final String label;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos = startNanos;

    public Progress(String label, PrintStream out) {
        this.label = label;
        this.out = out;
    }

    /** A progress sink that prints nothing (tests, short phases). */
    public static Progress silent() {
        return new Progress("", null);
    }

    public synchronized void update(long done, long total) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrintNanos >= PRINT_INTERVAL_NANOS) {
            lastPrintNanos = now;
            out.printf("  %s: %.0f%% (%d/%d, %.1f s)%n", label, 100.0 * done / Math.max(1, total), done, total,
                    (now - startNanos) / 1e9);
        }
    }

    public synchronized void done() {
        if (out != null) {
            out.printf("  %s: done in %.1f s%n", label, (System.nanoTime() - startNanos) / 1e9);
        }
    }
}
