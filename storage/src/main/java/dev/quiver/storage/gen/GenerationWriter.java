package dev.quiver.storage.gen;

import dev.quiver.storage.FileIo;
import dev.quiver.storage.Slab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes generation N+1 beside the current one. Usage:
 * <pre>{@code
 * try (GenerationWriter w = store.beginGeneration()) {
 *     w.writeSlab("vectors", vectorSlab, count);
 *     try (WritableFile ids = w.create("ids")) { ... }
 *     Generation g = w.commit(walLsn, Map.of("dim", "384"));
 * }
 * }</pre>
 * Each file is forced to the device when it is closed; {@link #commit} then switches the manifest atomically (see
 * {@link Generations}). Closing without committing deletes the files written so far. Not thread-safe: one
 * thread writes a generation (files may be large, but they are written one at a time).
 */
public final class GenerationWriter implements AutoCloseable {
    private static final Pattern LOGICAL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final Generations store;
    private final long number;
    private final Map<String, FileEntry> entries = new LinkedHashMap<>();
    private final List<WritableFile> open = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    private boolean finished;

    GenerationWriter(Generations store, long number) {
        this.store = store;
        this.number = number;
    }

    /** The number the generation will have once committed. */
    public long number() {
        return number;
    }

    /** A new byte-stream file; it joins the generation when closed. */
    public WritableFile create(String logicalName) {
        Path path = reserve(logicalName);
        WritableFile file = new WritableFile(path, logicalName, number, this);
        open.add(file);
        return file;
    }

    /** Writes the first {@code records} records of {@code slab} as a slab file (forced before returning). */
    public FileEntry writeSlab(String logicalName, Slab slab, int records) {
        Path path = reserve(logicalName);
        FileEntry entry = SlabFileWriter.write(path, number, logicalName, slab, records);
        entries.put(logicalName, entry);
        store.hook().step("file:" + logicalName);
        return entry;
    }

    private Path reserve(String logicalName) {
        checkActive();
        if (logicalName == null || !LOGICAL_NAME.matcher(logicalName).matches()) {
            throw new IllegalArgumentException("bad logical file name '" + logicalName
                    + "': use 1-64 of [a-z0-9_-], starting with a letter or digit");
        }
        if (entries.containsKey(logicalName) || open.stream().anyMatch(f -> f.logicalName().equals(logicalName))) {
            throw new IllegalArgumentException("file '" + logicalName + "' already written in generation " + number);
        }
        Path path = store.directory().resolve(Generations.fileName(number, logicalName));
        written.add(path);
        return path;
    }

    void registered(FileEntry entry, WritableFile file) {
        open.remove(file);
        entries.put(entry.logicalName(), entry);
        store.hook().step("file:" + entry.logicalName());
    }

    /**
     * Makes this generation current: writes the manifest covering WAL records up to {@code walLsn} with the
     * engine's {@code properties}, switches to it atomically, and deletes the previous generation's files.
     */
    public Generation commit(long walLsn, Map<String, String> properties) {
        checkActive();
        if (!open.isEmpty()) {
            throw new IllegalStateException("files not closed before commit: "
                    + open.stream().map(WritableFile::logicalName).toList());
        }
        Manifest manifest = new Manifest(number, walLsn, new ArrayList<>(entries.values()), properties);
        return store.commit(this, manifest);
    }

    /** Called by the store the moment the new manifest is in place: from then on the files are not ours to delete. */
    void markCommitted() {
        finished = true;
    }

    /** Abandons an uncommitted generation and deletes its files. Idempotent; a no-op after commit. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        for (WritableFile f : List.copyOf(open)) {
            f.abandon();
        }
        for (Path p : written) {
            FileIo.deleteIfExists(p);
        }
        store.writerFinished(this);
    }

    private void checkActive() {
        if (finished) {
            throw new IllegalStateException("generation " + number + " writer already committed or closed");
        }
    }
}
