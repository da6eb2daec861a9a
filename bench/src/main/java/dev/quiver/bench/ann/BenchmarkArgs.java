package dev.quiver.bench.ann;

import dev.quiver.Metric;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of {@link AnnBenchmark}. Each option is {@code --name value} or {@code --name=value}.
 *
 * @param dataset      {@code bigann-10k}, {@code wordnet-minilm-384}, {@code fashion-mnist}, {@code synthetic:N:D},
 *                     {@code hubness:N:D}, or a directory with base.fvecs, query.fvecs and (optionally) groundtruth.ivecs, base.meta.jsonl
 * @param engines      engines to run, in order
 * @param metric       metric, or null for the data set's own
 * @param efSearch     beam widths to sweep, each at least k
 * @param queries      use only the first N queries (0: all; synthetic data generates N, default 200)
 * @param filter       {@code FIELD=VALUE} for a filtered run, or null
 * @param workDir      where index files go (kept afterwards), or null for a temporary directory deleted at the end
 * @param minSeconds   measured passes per ef repeat until at least this long
 * @param rounds       times the engines take turns being measured; each (engine, ef) keeps its fastest round
 * @param sharedJvm    whether the JVM engines run in the harness's JVM ({@code --jvm shared}) rather than each in a
 *                     JVM of its own ({@link ForkedEngine}, the default; filtered runs always share)
 * @param forks        how many times every engine is built and measured, each time in fresh processes; each
 *                     (engine, ef) reports the fork with the median QPS (the JIT's per-process lottery)
 */
public record BenchmarkArgs(String dataset, List<String> engines, Metric metric, int m, int efConstruction,
                            List<Integer> efSearch, int k, int threads, int buildThreads, Path csv, Path svg,
                            String filter, int queries, Path workDir, double minSeconds, int rounds, long seed,
                            boolean sharedJvm, int forks) {

    /** The default engines: all in-JVM ones. */
    public static final List<String> ALL_ENGINES = List.of("quiver", "quiver-sq8", "lucene", "jvector");
    /**
     * Engines run only when named: Quiver's Lucene format, its variant whose merges always rebuild, and native
     * hnswlib (needs python3-hnswlib).
     */
    public static final List<String> OPT_IN_ENGINES = List.of("lucene-quiver", "lucene-quiver-rebuild", "hnswlib");

    /** Every engine {@code --engines} accepts. */
    public static final List<String> KNOWN_ENGINES =
            java.util.stream.Stream.concat(ALL_ENGINES.stream(), OPT_IN_ENGINES.stream()).toList();

    static final String USAGE = """
            usage: bench/ann [--dataset NAME|DIR] [options]
              --dataset NAME|DIR     bigann-10k | wordnet-minilm-384 | fashion-mnist | synthetic:N:D | hubness:N:D
                                     | a directory (default: bigann-10k when ../shared/datasets has it, else
                                     synthetic:20000:64). synthetic: clustered Gaussian, euclidean. hubness:
                                     word-embedding-like (power-law variance spectrum, Zipf-sized clusters of mixed
                                     spread, a shared offset; hubs), cosine; e.g. hubness:100000:100. Both seeded
                                     (--seed), queries held out, exact ground truth computed
              --engines LIST         comma-separated: quiver,quiver-sq8,lucene,jvector (the default), and opt-in:
                                     lucene-quiver, lucene-quiver-rebuild (Quiver's Lucene format), hnswlib (native
                                     hnswlib through /usr/bin/python3 and Debian's python3-hnswlib, skipped when absent)
              --metric NAME          euclidean | cosine | dot (default: the data set's)
              --m N                  HNSW M (default 16)
              --ef-construction N    build beam width (default 200)
              --ef LIST              search beam widths to sweep (default 10,20,40,80,120,200,400)
              --k N                  neighbours per query (default 10)
              --threads N            query threads (default 1)
              --build-threads N      build threads (default all cores)
              --queries N            first N queries only (synthetic: how many to generate, default 200)
              --filter FIELD=VALUE   filtered run on base metadata (exact filtered ground truth)
              --csv FILE             write results as CSV
              --svg FILE             write a recall / QPS plot
              --work-dir DIR         keep index files here (default: a temporary directory, deleted)
              --min-seconds S        measured time per ef at least S seconds (default 2)
              --rounds N             engines take turns N times, best round kept (default 1)
              --seed N               seed for synthetic data (default 42)
              --jvm per-engine|shared  each JVM engine in a JVM of its own (default), or all in the harness's JVM,
                                     where their kernels share the JIT's profiles (filtered runs always share)
              --forks N              build and measure every engine N times, each in fresh processes; report the
                                     fork with the median QPS per engine and ef (default 1; needs --jvm per-engine)
            """;

    public BenchmarkArgs {
        if (dataset == null) {
            throw new IllegalArgumentException("dataset must not be null\n" + USAGE);
        }
        for (String engine : engines) {
            if (!KNOWN_ENGINES.contains(engine)) {
                throw new IllegalArgumentException("unknown engine '" + engine + "', expected one of "
                        + KNOWN_ENGINES);
            }
        }
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("--engines must name at least one engine");
        }
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1, got " + k);
        }
        if (efSearch.isEmpty()) {
            throw new IllegalArgumentException("--ef must list at least one value");
        }
        for (int ef : efSearch) {
            if (ef < k) {
                throw new IllegalArgumentException("--ef " + ef + " is below k = " + k
                        + " (every engine needs a beam at least k wide)");
            }
        }
        requirePositive("--m", m);
        requirePositive("--ef-construction", efConstruction);
        requirePositive("--threads", threads);
        requirePositive("--rounds", rounds);
        requirePositive("--forks", forks);
        if (forks > 1 && (sharedJvm || filter != null)) {
            throw new IllegalArgumentException("--forks " + forks + " needs each engine in a JVM of its own: not with "
                    + (sharedJvm ? "--jvm shared" : "--filter (filtered runs share the harness's JVM)"));
        }
        requirePositive("--build-threads", buildThreads);
        if (queries < 0) {
            throw new IllegalArgumentException("--queries must not be negative, got " + queries);
        }
        if (!(minSeconds >= 0)) {
            throw new IllegalArgumentException("--min-seconds must be >= 0, got " + minSeconds);
        }
        engines = List.copyOf(engines);
        efSearch = List.copyOf(efSearch);
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    /** The data set a bare {@code bench/ann} runs: the real SIFT sample when it is next to the checkout. */
    static String defaultDataset() {
        Path root = DatasetResolver.datasetsRoot();
        if (root != null && Files.isDirectory(root.resolve("bigann-10k"))) {
            return "bigann-10k";
        }
        System.err.println("../shared/datasets/bigann-10k not found: running on synthetic:20000:64 instead");
        return "synthetic:20000:64";
    }

    public static BenchmarkArgs parse(String... args) {
        String dataset = null;
        List<String> engines = ALL_ENGINES;
        Metric metric = null;
        int m = 16;
        int efc = 200;
        List<Integer> ef = List.of(10, 20, 40, 80, 120, 200, 400);
        int k = 10;
        int threads = 1;
        int buildThreads = Runtime.getRuntime().availableProcessors();
        Path csv = null;
        Path svg = null;
        String filter = null;
        int queries = 0;
        Path workDir = null;
        double minSeconds = 2;
        int rounds = 1;
        long seed = 42;
        boolean sharedJvm = false;
        int forks = 1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            int eq = arg.indexOf('=');
            String name = arg;
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + arg + " needs a value\n" + USAGE);
                }
                value = args[++i];
            }
            switch (name) {
                case "--dataset" -> dataset = value;
                case "--engines" -> engines = Arrays.stream(value.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList();
                case "--metric" -> metric = Metric.parse(value);
                case "--m" -> m = intValue(name, value);
                case "--ef-construction" -> efc = intValue(name, value);
                case "--ef" -> ef = intList(name, value);
                case "--k" -> k = intValue(name, value);
                case "--threads" -> threads = intValue(name, value);
                case "--build-threads" -> buildThreads = intValue(name, value);
                case "--csv" -> csv = Path.of(value);
                case "--svg" -> svg = Path.of(value);
                case "--filter" -> filter = value;
                case "--queries" -> queries = intValue(name, value);
                case "--work-dir" -> workDir = Path.of(value);
                case "--min-seconds" -> minSeconds = doubleValue(name, value);
                case "--rounds" -> rounds = intValue(name, value);
                case "--seed" -> seed = longValue(name, value);
                case "--forks" -> forks = intValue(name, value);
                case "--jvm" -> sharedJvm = switch (value.trim()) {
                    case "shared" -> true;
                    case "per-engine" -> false;
                    default -> throw new IllegalArgumentException("--jvm needs per-engine or shared, got '" + value
                            + "'");
                };
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        String chosen = dataset == null ? defaultDataset() : dataset;
        return new BenchmarkArgs(chosen, engines, metric, m, efc, ef, k, threads, buildThreads, csv, svg, filter,
                queries, workDir, minSeconds, rounds, seed, sharedJvm, forks);
    }

    private static int intValue(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + value + "'", e);
        }
    }

    private static long longValue(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + value + "'", e);
        }
    }

    private static double doubleValue(String option, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'", e);
        }
    }

    private static List<Integer> intList(String option, String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(intValue(option, part));
            }
        }
        return out;
    }
}
