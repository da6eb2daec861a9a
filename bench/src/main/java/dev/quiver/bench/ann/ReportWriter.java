package dev.quiver.bench.ann;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal table and the CSV file. */
final class ReportWriter {

    private ReportWriter() {
    }

    static void writeCsv(Path file, List<ResultRow> rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(ResultRow.CSV_HEADER);
        for (ResultRow row : rows) {
            lines.add(row.toCsv());
        }
        createParent(file);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    static void printTable(PrintStream out, List<ResultRow> rows) {
        String format = "%-11s %5s %7s %10s %9s %9s %8s %8s %10s %9s %8s %8s%n";
        out.printf(Locale.ROOT, format, "engine", "ef", "recall", "QPS", "p50 us", "p99 us", "build s", "open ms",
                "index MB", "CPU us/q", "evals/q", "ns/eval");
        for (ResultRow r : rows) {
            out.printf(Locale.ROOT, format, r.engine(), r.ef(), String.format(Locale.ROOT, "%.4f", r.recall()),
                    String.format(Locale.ROOT, "%.0f", r.qps()), String.format(Locale.ROOT, "%.1f", r.p50Micros()),
                    String.format(Locale.ROOT, "%.1f", r.p99Micros()),
                    String.format(Locale.ROOT, "%.2f", r.buildSeconds()),
                    Double.isNaN(r.openMillis()) ? "-" : String.format(Locale.ROOT, "%.1f", r.openMillis()),
                    String.format(Locale.ROOT, "%.1f", r.indexBytes() / 1e6),
                    Double.isNaN(r.cpuMicros()) ? "-" : String.format(Locale.ROOT, "%.1f", r.cpuMicros()),
                    Double.isNaN(r.evalsPerQuery()) ? "-" : String.format(Locale.ROOT, "%.0f", r.evalsPerQuery()),
                    Double.isNaN(r.nsPerEval()) ? "-" : String.format(Locale.ROOT, "%.1f", r.nsPerEval()));
        }
    }

    /** One engine's build: the table's total and, when measured, its split ({@link AnnEngine#buildSplit}). */
    record BuildLine(String engine, double buildSeconds, AnnEngine.BuildSplit split) { }

    /**
     * The build split into indexing and saving, so an engine that does more work to persist (Quiver's default-ef
     * calibration, its generation files) is not hidden in one number; '-' where an engine does not split it.
     */
    static void printBuilds(PrintStream out, List<BuildLine> builds) {
        out.println("Build: 'build s' above = index + save ('index' inserts and links; 'save' persists: Quiver's save"
                + " (default-ef calibration, files) and close, hnswlib's save_index); CPU s = the engine process's CPU"
                + " time over both, all threads; JIT CPU s = the part of it the JIT compiler threads took");
        String format = "%-13s %8s %8s %8s %8s %10s%n";
        out.printf(Locale.ROOT, format, "engine", "build s", "index s", "save s", "CPU s", "JIT CPU s");
        for (BuildLine b : builds) {
            AnnEngine.BuildSplit s = b.split();
            out.printf(Locale.ROOT, format, b.engine(), String.format(Locale.ROOT, "%.3f", b.buildSeconds()),
                    s == null ? "-" : String.format(Locale.ROOT, "%.3f", s.indexSeconds()),
                    s == null ? "-" : String.format(Locale.ROOT, "%.3f", s.saveSeconds()),
                    s == null || Double.isNaN(s.cpuSeconds()) ? "-"
                            : String.format(Locale.ROOT, "%.2f", s.cpuSeconds()),
                    s == null || Double.isNaN(s.jitCpuSeconds()) ? "-"
                            : String.format(Locale.ROOT, "%.2f", s.jitCpuSeconds()));
        }
    }
}
