package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quiver compact NAME}: drops tombstones and saves. */
@Command(name = "compact", description = "Rebuild a collection without its deleted records, then save it.")
class CompactCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Override
    public Integer call() {
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            int tombstones = db.deletedCount();
            db.compact();
            out().println("compacted '" + name + "': dropped " + tombstones + " deleted slots, " + db.size()
                    + " records");
        }
        return ExitCodes.OK;
    }
}
