package dev.quiver.bench.ann;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each engine's QPS at a recall level, and Quiver's ratio to each peer: the comparison issue #13's goals are stated
 * in. An engine's rows are walked by ascending ef; the QPS at recall {@code r} is interpolated between the last ef
 * below {@code r} and the first at or above it (log QPS linear in recall), so a coarse ef grid does not hand one
 * engine a whole ef step of advantage. When an engine's smallest ef already reaches {@code r}, that row's QPS is a
 * lower bound (marked ">="); when no ef reaches it, there is no number.
 */
public final class RecallTargets {

    /** The recall levels the issue's goals use. */
    static final double[] LEVELS = {0.95, 0.99};

    private RecallTargets() {
    }

    /** An engine's QPS at a recall level: {@code lowerBound} when its smallest ef already reached it. */
    record AtRecall(double qps, boolean lowerBound) { }

    /** The QPS of {@code engineRows} (one engine, one thread count) at {@code level}, empty when never reached. */
    static java.util.Optional<AtRecall> qpsAt(List<ResultRow> engineRows, double level) {
        List<ResultRow> byEf = new ArrayList<>(engineRows);
        byEf.sort(Comparator.comparingInt(ResultRow::ef));
        for (int i = 0; i < byEf.size(); i++) {
            ResultRow hit = byEf.get(i);
            if (hit.recall() < level) {
                continue;
            }
            if (i == 0) {
                return java.util.Optional.of(new AtRecall(hit.qps(), true));
            }
            ResultRow below = byEf.get(i - 1);
            double f = (level - below.recall()) / (hit.recall() - below.recall());
            double logQps = Math.log(below.qps()) + f * (Math.log(hit.qps()) - Math.log(below.qps()));
            return java.util.Optional.of(new AtRecall(Math.exp(logQps), false));
        }
        return java.util.Optional.empty();
    }

    /** Prints each engine's QPS at every level and, for {@code reference} (e.g. quiver), its ratio to the others. */
    static void print(PrintStream out, List<ResultRow> rows, String reference) {
        Map<String, List<ResultRow>> byEngine = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            byEngine.computeIfAbsent(r.engine() + " x" + r.threads(), e -> new ArrayList<>()).add(r);
        }
        out.println();
        out.println("QPS at recall@k (interpolated between ef steps; '>=' when the smallest ef already reached it)");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-24s", "engine x threads"));
        for (double level : LEVELS) {
            header.append(String.format(Locale.ROOT, " %14s", "@" + level));
            header.append(String.format(Locale.ROOT, " %14s", reference + "/this"));
        }
        out.println(header);
        for (Map.Entry<String, List<ResultRow>> e : byEngine.entrySet()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-24s", e.getKey()));
            int threads = e.getValue().get(0).threads();
            List<ResultRow> ref = byEngine.get(reference + " x" + threads);
            for (double level : LEVELS) {
                var at = qpsAt(e.getValue(), level);
                line.append(String.format(Locale.ROOT, " %14s", at.map(RecallTargets::format).orElse("not reached")));
                line.append(String.format(Locale.ROOT, " %14s", ratioText(ref, e.getValue(), level)));
            }
            out.println(line);
        }
    }

    /**
     * QPS of {@code ref} over QPS of {@code other} at {@code level}: "-" when either never reaches it; ">=" when only
     * the reference's figure is a lower bound, "<=" when only the other's is, "?" when both are.
     */
    static String ratioText(List<ResultRow> ref, List<ResultRow> other, double level) {
        if (ref == null) {
            return "-";
        }
        var a = qpsAt(ref, level);
        var b = qpsAt(other, level);
        if (a.isEmpty() || b.isEmpty()) {
            return "-";
        }
        boolean aBound = a.get().lowerBound();
        boolean bBound = b.get().lowerBound();
        String mark = aBound && bBound ? "?" : aBound ? ">=" : bBound ? "<=" : "";
        return mark + String.format(Locale.ROOT, "%.2f", a.get().qps() / b.get().qps());
    }

    /**
     * With {@code --forks N}: {@code reference}'s ratio to each peer at each level within every fork, and their
     * median. A fork builds and measures its engines back to back, so the ratios of one fork share that stretch of
     * the machine's state, while the median rows of {@link #print} may pair one engine's fast process with another's
     * slow one. The median counts only forks where both figures are interpolated (no bound).
     */
    static void printPerFork(PrintStream out, List<List<ResultRow>> forks, String reference) {
        Map<String, List<List<ResultRow>>> byEngine = new LinkedHashMap<>();
        for (int f = 0; f < forks.size(); f++) {
            for (ResultRow r : forks.get(f)) {
                List<List<ResultRow>> perFork = byEngine.computeIfAbsent(r.engine() + " x" + r.threads(),
                        e -> new ArrayList<>());
                while (perFork.size() < forks.size()) {
                    perFork.add(new ArrayList<>());
                }
                perFork.get(f).add(r);
            }
        }
        out.println();
        out.println(reference + "/this within each fork, then the median of the forks");
        for (Map.Entry<String, List<List<ResultRow>>> e : byEngine.entrySet()) {
            if (e.getKey().startsWith(reference + " x")) {
                continue;
            }
            int threads = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('x') + 1));
            List<List<ResultRow>> ref = byEngine.get(reference + " x" + threads);
            if (ref == null) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-24s", e.getKey()));
            for (double level : LEVELS) {
                List<Double> exact = new ArrayList<>();
                StringBuilder each = new StringBuilder();
                for (int f = 0; f < forks.size(); f++) {
                    String text = ratioText(ref.get(f), e.getValue().get(f), level);
                    each.append(f == 0 ? "" : " ").append(text);
                    if (!text.isEmpty() && Character.isDigit(text.charAt(0))) {
                        exact.add(qpsAt(ref.get(f), level).orElseThrow().qps()
                                / qpsAt(e.getValue().get(f), level).orElseThrow().qps());
                    }
                }
                line.append(String.format(Locale.ROOT, "  @%s: %s, median %s", level, each,
                        exact.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", median(exact))));
            }
            out.println(line);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(AtRecall at) {
        return (at.lowerBound() ? ">=" : "") + String.format(Locale.ROOT, "%.0f", at.qps());
    }
}
