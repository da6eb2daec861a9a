package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.cli.io.Ivecs;
import dev.quiver.cli.io.VectorFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code quiver bench NAME --queries q.fvecs --ground-truth gt.ivecs}: recall@k, QPS and latency percentiles of a
 * collection, one line per ef. Record ids must be the base file's row numbers (what {@code quiver import} gives
 * fvecs rows, after an optional {@code --id-prefix}). Single-threaded, one query at a time, after a warm-up pass.
 */
@Command(name = "bench", description = {"Recall@k, QPS and latency of a collection against an fvecs query file and"
        + " its ivecs ground truth.", "Ids must be the base file's row numbers (the default ids of 'quiver import'"
        + " for fvecs/bvecs/npy)."})
class BenchCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Option(names = "--queries", required = true, paramLabel = "FILE", description = "Query vectors (fvecs, npy...).")
    Path queries;

    @Option(names = "--ground-truth", required = true, paramLabel = "FILE",
            description = "ivecs: per query the base row numbers of its true nearest neighbours, nearest first.")
    Path groundTruth;

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "10", description = "Recall depth (default 10).")
    int k;

    @Option(names = "--ef", paramLabel = "EF", split = ",", description = "ef values to measure (default: the"
            + " collection's default search plan only, shown as 'default'; its beam width is default_ef_search in"
            + " 'quiver stats'), e.g. --ef 16,32,64,128.")
    List<Integer> efs;

    @Option(names = "--limit", paramLabel = "N", description = "Use the first N queries only.")
    Integer limit;

    @Option(names = "--id-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of the ids.")
    String idPrefix;

    @Option(names = "--json", description = "Print JSON lines instead of a table.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw CliException.invalid("-k must be at least 1, got " + k);
        }
        if (limit != null && limit < 1) {
            throw CliException.invalid("--limit must be at least 1, got " + limit);
        }
        float[][] q = VectorFormat.readAll(queries, "auto");
        int[][] gt = Ivecs.read(groundTruth);
        int n = Math.min(q.length, limit == null ? Integer.MAX_VALUE : limit);
        if (n == 0) {
            throw CliException.invalid(queries + " holds no queries");
        }
        if (gt.length < n) {
            throw CliException.invalid(groundTruth + " has " + gt.length + " rows for " + n + " queries");
        }
        for (int i = 0; i < n; i++) {
            if (gt[i].length < k) {
                throw CliException.invalid(groundTruth + ": row " + i + " has " + gt[i].length + " neighbours, "
                        + "fewer than k = " + k);
            }
        }
        List<Integer> efList = efs == null || efs.isEmpty() ? java.util.Collections.singletonList(null) : efs;
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            if (!json) {
                out().println(String.format(Locale.ROOT, "%-8s %10s %10s %10s %10s", "ef", "recall@" + k, "QPS",
                        "p50 ms", "p99 ms"));
            }
            int warmup = Math.min(n, 200);
            try (Progress progress = Progress.start("bench " + name, (long) (n + warmup) * efList.size(), "q",
                    err(), !quiet)) {
                for (Integer ef : efList) {
                    SearchParams params = SearchParams.k(k);
                    if (ef != null) {
                        params = params.efSearch(ef);
                    }
                    for (int i = 0; i < warmup; i++) {
                        db.search(q[i], params);
                    }
                    progress.step(warmup);
                    long[] nanos = new long[n];
                    long hits = 0;
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        List<SearchResult> found = db.search(q[i], params);
                        nanos[i] = System.nanoTime() - t0;
                        hits += overlap(found, gt[i]);
                        if ((i & 63) == 63) {
                            progress.step(64);
                        }
                    }
                    progress.step(n & 63);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Arrays.sort(nanos);
                    double recall = hits / (double) ((long) n * k);
                    double qps = n / seconds;
                    double p50 = nanos[(int) Math.min(n - 1, Math.ceil(0.50 * n) - 1)] / 1e6;
                    double p99 = nanos[(int) Math.min(n - 1, Math.ceil(0.99 * n) - 1)] / 1e6;
                    // Without --ef the search runs the collection's calibrated default plan (DEPARTURES.md D12),
                    // not SearchParams.effectiveEfSearch()'s uncalibrated max(200, ...): report it as the default.
                    Integer shownEf = ef == null ? null : params.effectiveEfSearch();
                    if (json) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("ef", shownEf);
                        row.put("k", k);
                        row.put("queries", n);
                        row.put("recall", recall);
                        row.put("qps", qps);
                        row.put("p50_ms", p50);
                        row.put("p99_ms", p99);
                        out().println(Output.json(row, false));
                    } else {
                        out().println(String.format(Locale.ROOT, "%-8s %10.4f %10.0f %10.3f %10.3f",
                                shownEf == null ? "default" : shownEf.toString(), recall, qps, p50, p99));
                    }
                }
            }
        }
        return ExitCodes.OK;
    }

    /** How many of the true top k the results hold. */
    private int overlap(List<SearchResult> found, int[] truth) {
        java.util.Set<Integer> want = new java.util.HashSet<>();
        for (int i = 0; i < k; i++) {
            want.add(truth[i]);
        }
        int count = 0;
        for (SearchResult r : found) {
            if (want.contains(row(r.id()))) {
                count++;
            }
        }
        return count;
    }

    private int row(String id) {
        if (!id.startsWith(idPrefix)) {
            throw CliException.invalid("id '" + id + "' does not start with --id-prefix '" + idPrefix + "'");
        }
        try {
            return Integer.parseInt(id.substring(idPrefix.length()));
        } catch (NumberFormatException e) {
            throw CliException.invalid("id '" + id + "' is not a row number: bench needs the ids 'quiver import'"
                    + " gives fvecs rows (use --id-prefix when they have one)");
        }
    }

}
