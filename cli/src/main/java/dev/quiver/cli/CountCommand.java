package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import dev.quiver.Filter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quiver count NAME [--filter JSON]}. */
@Command(name = "count", description = "Count the live records, or those matching a filter.")
class CountCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Option(names = "--filter", paramLabel = "JSON", description = "Metadata filter, e.g. '{\"pos\": \"v\"}'.")
    String filter;

    @Override
    public Integer call() {
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            out().println(filter == null ? db.count() : db.count(Filter.parse(filter)));
        }
        return ExitCodes.OK;
    }
}
