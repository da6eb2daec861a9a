package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.cli.io.VectorFormat;
import dev.quiver.cli.io.Vectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code quiver search NAME --vector '[...]'} or {@code --queries FILE}: nearest neighbours, as a table or JSON. */
@Command(name = "search", description = "Search a collection with one vector or a file of query vectors.")
class SearchCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    static final class Query {
        @Option(names = "--vector", paramLabel = "VECTOR", required = true,
                description = "The query: '[0.1, 0.2, ...]' or '0.1,0.2,...'.")
        String vector;

        @Option(names = "--queries", paramLabel = "FILE", required = true,
                description = "A file of queries: fvecs, bvecs, npy, jsonl or a JSON array of vectors.")
        Path queries;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "Format of --queries: auto, fvecs, bvecs, npy, jsonl or json.")
    String format;

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "10", description = "Results per query (default 10).")
    int k;

    @Option(names = "--ef", paramLabel = "EF", description = "HNSW beam width (default: the collection's calibrated"
            + " default, default_ef_search in 'quiver stats').")
    Integer ef;

    @Option(names = "--filter", paramLabel = "JSON", description = "Metadata filter, e.g. '{\"pos\": \"v\"}'.")
    String filter;

    @Option(names = "--max-distance", paramLabel = "D", description = "Drop results farther than D.")
    Float maxDistance;

    @Option(names = "--exact", description = "Exact scan instead of the graph.")
    boolean exact;

    @Option(names = "--json", description = "Print vctrs's JSON ([{\"id\",\"distance\",\"metadata\"}]; a list of"
            + " lists for --queries) instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        SearchParams params = SearchParams.k(k).exact(exact);
        if (ef != null) {
            params = params.efSearch(ef);
        }
        if (filter != null) {
            params = params.filter(filter);
        }
        if (maxDistance != null) {
            params = params.maxDistance(maxDistance);
        }
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            if (query.vector != null) {
                List<SearchResult> hits = db.search(Vectors.parse(query.vector), params);
                if (json) {
                    out().println(Output.json(Output.hits(hits), false));
                } else {
                    Output.table(out(), hits);
                }
                return ExitCodes.OK;
            }
            float[][] queries = VectorFormat.readAll(query.queries, format);
            List<List<SearchResult>> all = db.searchMany(queries, params);
            if (json) {
                out().println(Output.json(all.stream().map(Output::hits).toList(), false));
            } else {
                for (int i = 0; i < all.size(); i++) {
                    out().println("query " + i);
                    Output.table(out(), all.get(i));
                }
            }
        }
        return ExitCodes.OK;
    }
}
