package dev.quiver.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code quiver} command. Every subcommand prints its result on stdout and, on failure, one line on stderr
 * naming the bad value, with the exit code from {@link ExitCodes}.
 */
@Command(name = "quiver", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = QuiverCli.Version.class,
        description = "Quiver, an embedded vector database: manage collections, import, search, serve and bench.",
        footer = {"", ExitCodes.HELP},
        subcommands = {CreateCommand.class, ImportCommand.class, SearchCommand.class, GetCommand.class,
                DeleteCommand.class, CountCommand.class, StatsCommand.class, ExportCommand.class,
                CompactCommand.class, CollectionsCommand.class, ServeCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class QuiverCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Streams the commands write to (stdout and stderr, or captured ones in tests). */
    record Io(PrintStream out, PrintStream err) { }

    private final Io io;

    QuiverCli(Io io) {
        this.io = io;
    }

    Io io() {
        return io;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Held so the configured level survives (the logging framework keeps loggers weakly). */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("dev.quiver");

    public static void main(String[] args) {
        // The engine's informational lines (kernel selection, log replay) would break the one-line-per-error
        // contract of stderr; warnings still show. QUIVER_DEBUG restores everything.
        if (System.getenv("QUIVER_DEBUG") == null) {
            ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command line against the given streams and returns its exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        QuiverCli root = new QuiverCli(new Io(out, err));
        CommandLine cl = new CommandLine(root, new Factory(root));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = ExitCodes.of(e);
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            err.println("quiver: " + message.replace('\n', ' '));
            if (code == ExitCodes.FAILURE && !(e instanceof CliException) && System.getenv("QUIVER_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return code;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("quiver: " + e.getMessage());
            CommandLine failed = e.getCommandLine();
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** Hands every command the shared streams. */
    private record Factory(QuiverCli root) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (CliCommand.class.isAssignableFrom(cls)) {
                K command = cls.getDeclaredConstructor().newInstance();
                ((CliCommand) command).io = root.io();
                return command;
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = QuiverCli.class.getPackage().getImplementationVersion();
            return new String[] {"quiver " + (v != null ? v : "0.1.0-SNAPSHOT") + " (Java "
                    + Runtime.version() + ")"};
        }
    }
}
