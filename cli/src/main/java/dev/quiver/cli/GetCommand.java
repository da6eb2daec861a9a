package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import dev.quiver.VectorRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code quiver get NAME ID...}: records as JSON lines, {@code {"id","vector","metadata"}} (vctrs's get shape). */
@Command(name = "get", description = "Print records as JSON lines {\"id\",\"vector\",\"metadata\"}.")
class GetCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID", description = "Ids to print.")
    List<String> ids;

    @Override
    public Integer call() {
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            for (String id : ids) {
                VectorRecord r = db.get(id);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("vector", r.vector());
                m.put("metadata", r.metadata());
                out().println(Output.json(m, false));
            }
        }
        return ExitCodes.OK;
    }
}
