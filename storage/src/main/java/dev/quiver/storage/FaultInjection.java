package dev.quiver.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file layer's fault-injection seam: every write, force, truncate, rename and map of a store file goes through
 * {@link FileIo}, which asks the installed {@link Hook} first. Tests install a hook that throws an
 * {@link IOException} (disk full, EIO) at a chosen step, so every failure path runs deterministically. No hook is
 * installed in production; the check is one volatile read.
 */
public final class FaultInjection {

    /** The file operations a hook can fail. */
    public enum Op { WRITE, FORCE, TRUNCATE, RENAME, MAP, READ }

    /** Decides, before an operation on {@code file}, whether it fails. */
    @FunctionalInterface
    public interface Hook {
        void before(Op op, Path file) throws IOException;
    }

    private static volatile Hook hook;

    private FaultInjection() {
    }

    /** Installs {@code h} for the whole JVM (tests); {@link #clear()} removes it. */
    public static void install(Hook h) {
        hook = h;
    }

    public static void clear() {
        hook = null;
    }

    /** Called by {@link FileIo} before each operation. */
    static void check(Op op, Path file) throws IOException {
        Hook h = hook;
        if (h != null) {
            h.before(op, file);
        }
    }
}
