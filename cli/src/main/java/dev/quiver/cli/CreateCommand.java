package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Config;
import dev.quiver.Metric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quiver create NAME --dim D}: a new, empty collection. */
@Command(name = "create", description = "Create an empty collection.")
class CreateCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name (letters, digits, - and _).")
    String name;

    @Option(names = "--dim", required = true, paramLabel = "D", description = "Vector dimension.")
    int dim;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "cosine",
            description = "cosine, euclidean (l2) or dot (dot_product); default ${DEFAULT-VALUE}.")
    String metric;

    @Option(names = "--m", paramLabel = "M", defaultValue = "16", description = "HNSW links per node (default 16).")
    int m;

    @Option(names = "--ef-construction", paramLabel = "EF", defaultValue = "200",
            description = "HNSW build beam width (default 200).")
    int efConstruction;

    @Option(names = "--quantize", description = "Keep SQ8 codes and walk them where they pay (float32 re-ranking).")
    boolean quantize;

    @Override
    public Integer call() {
        Config config = config(dim, metric, m, efConstruction, quantize);
        try (Client client = data.open()) {
            client.createCollection(name, config);
        }
        out().println("created collection '" + name + "' (dim " + dim + ", " + config.metric().canonicalName()
                + ") in " + data.path());
        return ExitCodes.OK;
    }

    static Config config(int dim, String metric, int m, int efConstruction, boolean quantize) {
        return Config.dim(dim).metric(Metric.parse(metric)).m(m).efConstruction(efConstruction).quantize(quantize);
    }
}
