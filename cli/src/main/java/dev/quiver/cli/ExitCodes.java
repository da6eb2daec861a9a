package dev.quiver.cli;

import dev.quiver.CollectionExistsException;
import dev.quiver.DatabaseLockedException;
import dev.quiver.DatabaseNotFoundException;
import dev.quiver.DimensionMismatchException;
import dev.quiver.DuplicateIdException;
import dev.quiver.InvalidArgumentException;
import dev.quiver.InvalidCollectionNameException;
import dev.quiver.InvalidFilterException;
import dev.quiver.InvalidMetricException;
import dev.quiver.NotFoundException;

/**
 * The exit codes of every {@code quiver} command (also listed in {@code quiver --help}):
 * <pre>
 *   0  success
 *   1  failure of the database or the file system (I/O error, corrupt data, internal error)
 *   2  usage: unknown option, missing or malformed argument
 *   3  not found: no such collection, id or file
 *   4  invalid input: dimension mismatch, bad filter, bad vector, malformed input file
 *   5  conflict: the collection or id already exists
 *   6  locked: the collection is open in another process (a running server, say)
 * </pre>
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int INVALID_INPUT = 4;
    public static final int CONFLICT = 5;
    public static final int LOCKED = 6;

    /** The exit code list as shown at the bottom of {@code --help}. */
    static final String HELP = """
            Exit codes:
              0  success
              1  database or file system failure (I/O error, corrupt data)
              2  usage error (unknown option, missing or malformed argument)
              3  not found (collection, id or file)
              4  invalid input (dimension mismatch, bad filter or vector, malformed file)
              5  conflict (collection or id already exists)
              6  locked (collection open in another process, e.g. a running server)""";

    private ExitCodes() {
    }

    static int of(Throwable t) {
        return switch (t) {
            case CliException e -> e.exitCode();
            case DatabaseNotFoundException e -> NOT_FOUND;
            case NotFoundException e -> NOT_FOUND;
            case java.nio.file.NoSuchFileException e -> NOT_FOUND;
            case CollectionExistsException e -> CONFLICT;
            case DuplicateIdException e -> CONFLICT;
            case DatabaseLockedException e -> LOCKED;
            case DimensionMismatchException e -> INVALID_INPUT;
            case InvalidFilterException e -> INVALID_INPUT;
            case InvalidMetricException e -> INVALID_INPUT;
            case InvalidCollectionNameException e -> INVALID_INPUT;
            case InvalidArgumentException e -> INVALID_INPUT;
            case dev.quiver.CorruptDataException e when e.getMessage() != null
                    && e.getMessage().startsWith("corrupt data: invalid JSON") -> INVALID_INPUT;
            default -> FAILURE;
        };
    }
}
