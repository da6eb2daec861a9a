package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.DatabaseNotFoundException;
import dev.quiver.Metric;
import dev.quiver.cli.io.VctrsJsonSource;
import dev.quiver.cli.io.VectorFormat;
import dev.quiver.cli.io.VectorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code quiver import NAME FILE}: loads fvecs, bvecs, npy, JSON lines or a vctrs JSON export into a collection,
 * creating it (with the file's dimension) when absent. The file is read once to validate it completely, so a
 * malformed file imports nothing; then it is imported in batches with a progress bar.
 */
@Command(name = "import", description = {"Import vectors from a file into a collection (created when absent).",
        "Formats: fvecs, bvecs (TEXMEX), npy (2-D float16/32/64, int8, uint8), jsonl (one {\"id\",\"vector\","
                + "\"metadata\"} object per line), json (vctrs export)."})
class ImportCommand extends CliCommand {

    enum Mode { upsert, add }

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "File to import.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "auto (by extension), fvecs, bvecs, npy, jsonl or json; default ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--metadata", paramLabel = "FILE",
            description = "JSON lines with one metadata object per row (fvecs, bvecs and npy).")
    Path metadata;

    @Option(names = "--id-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Prefix of the generated ids (row numbers) of fvecs, bvecs and npy rows.")
    String idPrefix;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "upsert",
            description = "upsert (existing ids are replaced; re-running is harmless) or add (existing ids are an"
                    + " error); default ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "2000", description = "Records per batch.")
    int batch;

    @Option(names = "--metric", paramLabel = "METRIC",
            description = "Metric when the collection is created (default: the document's for json, else cosine).")
    String metric;

    @Option(names = "--m", paramLabel = "M", defaultValue = "16", description = "HNSW m when created.")
    int m;

    @Option(names = "--ef-construction", paramLabel = "EF", defaultValue = "200",
            description = "HNSW efConstruction when created.")
    int efConstruction;

    @Option(names = "--quantize", description = "Create the collection with SQ8 quantization.")
    boolean quantize;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (batch < 1) {
            throw CliException.invalid("--batch must be at least 1, got " + batch);
        }
        VectorFormat f = VectorFormat.of(format, file);
        long total = 0;
        int dim;
        String fileMetric = null;
        try (VectorSource check = f.open(file, idPrefix, metadata)) {
            dim = check.dim();
            if (check instanceof VctrsJsonSource json) {
                fileMetric = json.metric();
            }
            VectorSource.Batch b;
            while ((b = check.next(batch)) != null) {
                total += b.size();
            }
        }
        long start = System.nanoTime();
        try (Client client = data.open()) {
            boolean created = !client.listCollections().contains(name);
            Database db = open(client, dim, fileMetric);
            long imported = 0;
            try (VectorSource source = f.open(file, idPrefix, metadata);
                 Progress progress = Progress.start("import " + name, total, "rec", err(), !quiet)) {
                VectorSource.Batch b;
                while ((b = source.next(batch)) != null) {
                    if (mode == Mode.add) {
                        db.addMany(b.ids(), b.vectors(), b.metadatas());
                    } else {
                        db.upsertMany(b.ids(), b.vectors(), b.metadatas());
                    }
                    imported += b.size();
                    progress.step(b.size());
                }
            } catch (RuntimeException e) {
                throw afterFailedBatch(e, client, created, imported, total);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out().println(String.format(Locale.ROOT, "imported %d records into '%s' (%d records now) in %.1f s"
                    + " (%.0f records/s)", total, name, db.size(), seconds, total / Math.max(seconds, 1e-9)));
        }
        return ExitCodes.OK;
    }

    /**
     * The error of a batch the database refused (a check the reading pass does not make: an id already there under
     * {@code --mode add}, a vector too large to score, say). Each batch is applied whole or not at all, so what is in
     * the collection is the batches before it: a collection this import created is removed again, so the file imports
     * nothing; otherwise the message says how many records went in.
     */
    private CliException afterFailedBatch(RuntimeException e, Client client, boolean created, long imported,
                                          long total) {
        String outcome;
        if (created) {
            try {
                client.deleteCollection(name);
                outcome = "nothing imported: collection '" + name + "', created by this import, was removed";
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
                outcome = "collection '" + name + "', created by this import, could not be removed: "
                        + cleanup.getMessage();
            }
        } else {
            outcome = imported + " of " + total + " records were imported before it";
        }
        return new CliException(ExitCodes.of(e), e.getMessage() + " (" + outcome + ")", e);
    }

    private Database open(Client client, int dim, String fileMetric) {
        try {
            Database db = client.getCollection(name);
            if (db.dim() != dim) {
                throw new CliException(ExitCodes.INVALID_INPUT, "dimension mismatch: collection '" + name
                        + "' has dim " + db.dim() + ", " + file + " has " + dim);
            }
            if (metric != null && Metric.parse(metric) != db.metric()) {
                throw new CliException(ExitCodes.INVALID_INPUT, "metric mismatch: collection '" + name + "' uses "
                        + db.metric().canonicalName() + ", --metric asks for " + Metric.parse(metric)
                        .canonicalName());
            }
            return db;
        } catch (DatabaseNotFoundException e) {
            String chosen = metric != null ? metric : fileMetric != null ? fileMetric : "cosine";
            Config config = CreateCommand.config(dim, chosen, m, efConstruction, quantize);
            err().println("creating collection '" + name + "' (dim " + dim + ", " + config.metric().canonicalName()
                    + ")");
            return client.createCollection(name, config);
        }
    }
}
