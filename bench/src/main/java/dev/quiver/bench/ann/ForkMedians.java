package dev.quiver.bench.ann;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Combines the forks of {@code --forks N}: per (engine, ef) the row of the fork with the median QPS, per engine the
 * build line of the fork with the median build time. The median of whole rows, not of each column, so every number
 * in a row comes from one process (its recall, latency and CPU belong to that QPS). With an even count the upper of
 * the two middle forks is taken.
 */
final class ForkMedians {

    private ForkMedians() {
    }

    static List<ResultRow> rows(List<List<ResultRow>> forks) {
        return medians(forks, r -> r.engine() + "\u0000" + r.ef(), Comparator.comparingDouble(ResultRow::qps));
    }

    static List<ReportWriter.BuildLine> builds(List<List<ReportWriter.BuildLine>> forks) {
        return medians(forks, ReportWriter.BuildLine::engine,
                Comparator.comparingDouble(ReportWriter.BuildLine::buildSeconds));
    }

    /** Per key (in the first fork's order), the median element by {@code order} over the forks that have it. */
    private static <T> List<T> medians(List<List<T>> forks, Function<T, String> key, Comparator<T> order) {
        Map<String, List<T>> byKey = new LinkedHashMap<>();
        for (List<T> fork : forks) {
            for (T item : fork) {
                byKey.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item);
            }
        }
        List<T> out = new ArrayList<>(byKey.size());
        for (List<T> items : byKey.values()) {
            items.sort(order);
            out.add(items.get(items.size() / 2));
        }
        return out;
    }
}
