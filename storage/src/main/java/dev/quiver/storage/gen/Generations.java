package dev.quiver.storage.gen;

import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.FileIo;
import dev.quiver.storage.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The generations of one database directory: the manifest {@value Manifest#FILE_NAME} names the current generation,
 * whose data files are {@code gen-<N>.<logical>} beside it.
 *
 * <h2>Save protocol (crash-safe at every instant)</h2>
 * <ol>
 *   <li>Generation N+1's files are written beside generation N's under new names, each forced when closed.</li>
 *   <li>The directory is forced (the new files' entries are durable).</li>
 *   <li>The manifest is written to {@code graph.vctrs.tmp} and forced.</li>
 *   <li>{@code graph.vctrs.tmp} is renamed atomically over {@code graph.vctrs}: this is the commit point.</li>
 *   <li>The directory is forced (the rename is durable).</li>
 *   <li>Generation N's files are deleted (a failure here only leaves garbage for the next open to remove).</li>
 * </ol>
 * A crash before step 4 leaves generation N (plus the WAL) and stray N+1 files; after it, generation N+1 and stray N
 * files. {@link #open} removes strays: any {@code gen-*} file the manifest does not list, and the temp manifest.
 *
 * <h2>Verification policy</h2>
 * Open always checks the manifest completely (its CRC32C covers all of it) and, for every data file, the magic,
 * version, header CRC, trailer, exact file length, payload length and payload CRC recorded in the manifest, with two
 * small reads per file. By default it then reads every payload and checks its CRC32C (sequential reads, at the speed
 * of the page cache or the device: bench/results/reliability.md has the cost), so no byte of a generation is served
 * before its checksum has passed. A mismatch is a {@link CorruptFileException} naming the file.
 *
 * <p>Lazy opening is an explicit opt-in: with {@code verifyOnOpenBytes} below a file's payload size, that file is
 * left unverified at open and the engine verifies it with {@link Generation#verify()} (in the background, or on
 * demand). Until that finishes a bit flipped on the device could be served; a save calls
 * {@link Generation#verifyPending()} first, so it never copies unverified bytes into a new generation.
 *
 * <p>The directory lock is not taken here ({@code DatabaseDirectory} does it); this class assumes it is the only
 * writer.
 */
public final class Generations implements AutoCloseable {
    /** Every payload is verified at open unless the caller opts into lazy opening with a smaller threshold. */
    public static final long DEFAULT_VERIFY_ON_OPEN_BYTES = Long.MAX_VALUE;
    static final String TEMP_MANIFEST = Manifest.FILE_NAME + ".tmp";
    private static final Pattern DATA_FILE = Pattern.compile("gen-(\\d{1,19})\\.([a-z0-9_-]{1,64})");

    /** Observes the steps of a save; tests use it to stop a save at each step as a crash would. */
    interface SaveHook {
        void step(String name);
    }

    private final Path directory;
    private final long verifyOnOpenBytes;
    private final List<Generation> handedOut = new ArrayList<>();
    private SaveHook hook = step -> { };
    private Generation current;
    private GenerationWriter activeWriter;
    private boolean closed;

    private Generations(Path directory, long verifyOnOpenBytes) {
        this.directory = directory;
        this.verifyOnOpenBytes = verifyOnOpenBytes;
    }

    /** Opens with the default verification threshold. */
    public static Generations open(Path directory) {
        return open(directory, DEFAULT_VERIFY_ON_OPEN_BYTES);
    }

    /**
     * Reads and checks the manifest (if any) and its files, verifies the payload of files up to
     * {@code verifyOnOpenBytes}, then deletes leftovers of an interrupted save. A directory without a manifest has
     * no generation yet ({@link #current()} is null). Throws {@link CorruptFileException} without deleting anything
     * if the manifest or a file it lists cannot be trusted.
     */
    public static Generations open(Path directory, long verifyOnOpenBytes) {
        Generations store = new Generations(directory, verifyOnOpenBytes);
        Manifest manifest = readManifest(directory);
        if (manifest != null) {
            Generation g = store.load(manifest);
            for (String name : g.names()) {
                DataFile f = g.file(name);
                if (f.payloadBytes() <= verifyOnOpenBytes) {
                    f.verify();
                }
            }
            store.current = g;
            store.handedOut.add(g);
        }
        store.removeStrays(manifest);
        return store;
    }

    /** Whether {@code directory} holds a manifest (a saved database), without checking it. */
    public static boolean exists(Path directory) {
        return Files.exists(directory.resolve(Manifest.FILE_NAME));
    }

    /** The manifest of {@code directory}, fully checked, or null if there is none. */
    public static Manifest readManifest(Path directory) {
        Path file = directory.resolve(Manifest.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Manifest.MAX_BYTES) {
                throw new CorruptFileException(file, "manifest of " + size + " bytes exceeds " + Manifest.MAX_BYTES);
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            FileIo.readFully(channel, bytes, 0);
            return Manifest.decode(file, bytes.array());
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.io.EOFException e) {
            throw new CorruptFileException(file, "changed size while being read");
        } catch (IOException e) {
            throw new StoreIOException(file, "read", e);
        }
    }

    static String fileName(long generation, String logicalName) {
        return "gen-" + generation + "." + logicalName;
    }

    private Generation load(Manifest manifest) {
        Path manifestFile = directory.resolve(Manifest.FILE_NAME);
        Map<String, DataFile> files = new HashMap<>();
        for (FileEntry entry : manifest.files()) {
            String expected = fileName(manifest.generation(), entry.logicalName());
            if (!entry.fileName().equals(expected) || !DATA_FILE.matcher(expected).matches()) {
                throw new CorruptFileException(manifestFile, "lists file '" + entry.fileName() + "' for '"
                        + entry.logicalName() + "', expected '" + expected + "'");
            }
            if (files.put(entry.logicalName(), DataFile.open(directory.resolve(expected), entry,
                    manifest.generation())) != null) {
                throw new CorruptFileException(manifestFile, "lists '" + entry.logicalName() + "' twice");
            }
        }
        return new Generation(directory, manifest, files);
    }

    private void removeStrays(Manifest manifest) {
        Set<String> keep = new HashSet<>();
        if (manifest != null) {
            manifest.files().forEach(f -> keep.add(f.fileName()));
        }
        boolean removed = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.equals(TEMP_MANIFEST) || DATA_FILE.matcher(name).matches() && !keep.contains(name)) {
                    FileIo.deleteIfExists(p);
                    removed = true;
                }
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new StoreIOException(directory, "list", e);
        }
        if (removed) {
            FileIo.forceDirectory(directory);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The current generation, or null before the first save. */
    public synchronized Generation current() {
        checkOpen();
        return current;
    }

    /** Starts writing the next generation; one at a time. */
    public synchronized GenerationWriter beginGeneration() {
        checkOpen();
        if (activeWriter != null) {
            throw new IllegalStateException("generation " + activeWriter.number() + " is already being written");
        }
        long number = current == null ? 1 : current.number() + 1;
        // Leftovers with this number (from a save that failed without cleaning up) would confuse nobody, since the
        // manifest decides, but they must not be mistaken for files of this attempt.
        removeStrays(current == null ? null : current.manifest());
        activeWriter = new GenerationWriter(this, number);
        return activeWriter;
    }

    synchronized Generation commit(GenerationWriter writer, Manifest manifest) {
        checkOpen();
        if (writer != activeWriter) {
            throw new IllegalStateException("generation " + writer.number() + " is not being written here");
        }
        Generation next = load(manifest); // re-checks every file just written: cheap, and catches a lost write
        FileIo.forceDirectory(directory);
        hook.step("files-durable");
        Path temp = directory.resolve(TEMP_MANIFEST);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            FileIo.writeFully(channel, ByteBuffer.wrap(manifest.encode()), 0, temp);
            FileIo.force(channel, true, temp);
        } catch (IOException e) {
            throw new StoreIOException(temp, "write", e);
        }
        hook.step("manifest-temp");
        try {
            FileIo.move(temp, directory.resolve(Manifest.FILE_NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StoreIOException(directory.resolve(Manifest.FILE_NAME), "rename the new manifest to", e);
        }
        // Commit point passed: the new generation is the database now, whatever fails below.
        writer.markCommitted();
        activeWriter = null;
        Generation previous = current;
        current = next;
        handedOut.add(next);
        hook.step("manifest-renamed");
        FileIo.forceDirectory(directory);
        hook.step("directory-forced");
        if (previous != null) {
            for (FileEntry old : previous.manifest().files()) {
                try {
                    Files.deleteIfExists(directory.resolve(old.fileName()));
                } catch (IOException e) {
                    continue; // garbage only: the next open removes it
                }
                hook.step("deleted:" + old.logicalName());
            }
        }
        return next;
    }

    synchronized void writerFinished(GenerationWriter writer) {
        if (activeWriter == writer) {
            activeWriter = null;
        }
    }

    SaveHook hook() {
        return hook;
    }

    void setHook(SaveHook hook) {
        this.hook = hook;
    }

    /** Closes every generation handed out (unmapping their {@code map()} segments); slabs stay open. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Generation g : handedOut) {
            g.close();
        }
        handedOut.clear();
        current = null;
    }

    private void checkOpen() {
        if (closed) {
            throw new dev.quiver.storage.ClosedStoreException("generation store of " + directory + " is closed");
        }
    }
}
