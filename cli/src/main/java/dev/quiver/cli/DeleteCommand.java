package dev.quiver.cli;

import dev.quiver.Client;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code quiver delete NAME ID...}: deletes records; exit 3 when none of the ids existed. */
@Command(name = "delete", description = "Delete records by id (exit code 3 when none of them existed).")
class DeleteCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID", description = "Ids to delete.")
    List<String> ids;

    @Override
    public Integer call() {
        int deleted;
        try (Client client = data.openExisting()) {
            deleted = client.getCollection(name).deleteMany(ids);
        }
        out().println("deleted " + deleted + " of " + ids.size() + " ids");
        if (deleted == 0) {
            throw new CliException(ExitCodes.NOT_FOUND, "none of the ids exist in '" + name + "': " + ids);
        }
        return ExitCodes.OK;
    }
}
