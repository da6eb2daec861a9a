package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code quiver collections list|create|delete}. */
@Command(name = "collections", description = "List, create or delete collections.",
        subcommands = {CollectionsCommand.ListCommand.class, CollectionsCommand.CreateSub.class,
                CollectionsCommand.DeleteSub.class})
class CollectionsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, create or delete");
    }

    @Command(name = "list", description = "List the collections with their dimension, metric and size.")
    static class ListCommand extends CliCommand {

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            if (!data.exists()) {
                out().println(json ? "[]" : "(no collections in " + data.path() + ")");
                return ExitCodes.OK;
            }
            try (Client client = data.openExisting()) {
                List<String> names = client.listCollections();
                if (json) {
                    List<Map<String, Object>> rows = new java.util.ArrayList<>();
                    for (String name : names) {
                        Database db = client.getCollection(name);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", name);
                        row.put("dim", db.dim());
                        row.put("metric", db.metric().canonicalName());
                        row.put("count", db.size());
                        rows.add(row);
                    }
                    out().println(Output.json(rows, false));
                    return ExitCodes.OK;
                }
                if (names.isEmpty()) {
                    out().println("(no collections in " + data.path() + ")");
                }
                for (String name : names) {
                    Database db = client.getCollection(name);
                    out().println(String.format(java.util.Locale.ROOT, "%-24s dim %-5d %-12s %d records", name,
                            db.dim(), db.metric().canonicalName(), db.size()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", description = "Create an empty collection (same as 'quiver create').")
    static class CreateSub extends CreateCommand {
    }

    @Command(name = "delete", description = "Delete a collection and its files.")
    static class DeleteSub extends CliCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
        String name;

        @Override
        public Integer call() {
            if (!data.exists()) {
                throw new CliException(ExitCodes.NOT_FOUND, "no collection '" + name + "' in " + data.path());
            }
            try (Client client = data.openExisting()) {
                if (!client.deleteCollection(name)) {
                    throw new CliException(ExitCodes.NOT_FOUND, "no collection '" + name + "' in " + data.path());
                }
            }
            out().println("deleted collection '" + name + "'");
            return ExitCodes.OK;
        }
    }
}
