package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code quiver stats NAME}: configuration and statistics as pretty JSON. */
@Command(name = "stats", description = "Print a collection's configuration and statistics as JSON.")
class StatsCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Override
    public Integer call() {
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("dim", db.dim());
            out.put("metric", db.metric().canonicalName());
            out.put("m", db.config().m());
            out.put("ef_construction", db.config().efConstruction());
            out.put("quantize", db.config().quantize());
            out.putAll(db.stats().toMap());
            out().println(Output.json(out, true));
        }
        return ExitCodes.OK;
    }
}
