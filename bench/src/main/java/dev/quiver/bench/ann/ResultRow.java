package dev.quiver.bench.ann;

/**
 * One engine at one ef: a line of the CSV.
 *
 * @param openMillis  time to open the built index from disk, or NaN for in-memory engines (no open step)
 * @param indexBytes  on-disk size of the index directory for persistent engines, estimated RAM for in-memory ones
 * @param cpuMicros   CPU time per query in microseconds, summed over the query threads (the least over the rounds):
 *                    unlike QPS it hardly moves when other processes load the machine; NaN when not measured
 */
public record ResultRow(String dataset, String engine, int m, int efConstruction, int ef, int k, int threads,
                        double recall, double qps, double p50Micros, double p99Micros, double buildSeconds,
                        double openMillis, long indexBytes, double cpuMicros,
                        double evalsPerQuery) {

    /** The CSV header, exactly these columns in this order. */
    public static final String CSV_HEADER =
            "dataset,engine,m,ef_construction,ef,k,threads,recall,qps,p50_us,p99_us,build_s,open_ms,index_bytes,cpu_us,"
            + "evals_per_query,ns_per_eval";

    /**
     * CPU nanoseconds per distance evaluation: the whole search loop (visited checks, heap work, list and vector
     * loads, the kernel) divided over the vectors scored, so a change is either fewer evaluations (graph quality) or
     * cheaper ones (the loop). NaN when either is unknown.
     */
    public double nsPerEval() {
        return evalsPerQuery > 0 ? cpuMicros * 1e3 / evalsPerQuery : Double.NaN;
    }

    /** One CSV line; {@code open_ms} is empty for in-memory engines. */
    public String toCsv() {
        return String.join(",", dataset, engine, Integer.toString(m), Integer.toString(efConstruction),
                Integer.toString(ef), Integer.toString(k), Integer.toString(threads),
                String.format(java.util.Locale.ROOT, "%.4f", recall),
                String.format(java.util.Locale.ROOT, "%.1f", qps),
                String.format(java.util.Locale.ROOT, "%.1f", p50Micros),
                String.format(java.util.Locale.ROOT, "%.1f", p99Micros),
                String.format(java.util.Locale.ROOT, "%.3f", buildSeconds),
                Double.isNaN(openMillis) ? "" : String.format(java.util.Locale.ROOT, "%.2f", openMillis),
                Long.toString(indexBytes),
                Double.isNaN(cpuMicros) ? "" : String.format(java.util.Locale.ROOT, "%.1f", cpuMicros),
                Double.isNaN(evalsPerQuery) ? "" : String.format(java.util.Locale.ROOT, "%.1f", evalsPerQuery),
                Double.isNaN(nsPerEval()) ? "" : String.format(java.util.Locale.ROOT, "%.1f", nsPerEval()));
    }
}
