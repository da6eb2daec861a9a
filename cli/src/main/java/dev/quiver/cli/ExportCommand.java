package dev.quiver.cli;

import dev.quiver.Client;
import dev.quiver.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code quiver export NAME FILE}: vctrs's JSON document ({@code -} for stdout). */
@Command(name = "export", description = "Export a collection as vctrs's JSON document (FILE '-' is stdout).")
class ExportCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Collection name.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "Output file, or - for stdout.")
    String file;

    @Option(names = "--pretty", description = "Indent the JSON.")
    boolean pretty;

    @Override
    public Integer call() throws IOException {
        try (Client client = data.openExisting()) {
            Database db = client.getCollection(name);
            if (file.equals("-")) {
                Path tmp = Files.createTempFile("quiver-export-", ".json");
                try {
                    db.exportJson(tmp, pretty);
                    Files.copy(tmp, out());
                    out().println();
                    out().flush();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } else {
                db.exportJson(Path.of(file), pretty);
                err().println("exported " + db.size() + " records of '" + name + "' to " + file);
            }
        }
        return ExitCodes.OK;
    }
}
