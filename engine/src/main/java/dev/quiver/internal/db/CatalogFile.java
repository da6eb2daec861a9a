package dev.quiver.internal.db;

import dev.quiver.internal.meta.MetadataCodec;
import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.gen.WritableFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The ids and metadata of a generation, as written by the database (logical file {@value #NAME}; the storage module
 * frames it with its own header, checksums and trailer). The vectors and the graph are the index's own files.
 *
 * <pre>
 * u32  magic 0x54414351 ("QCAT" little-endian)
 * u32  version (= 1)
 * u32  slot limit S (one past the highest slot the catalog has published)
 * u32  live record count N
 * N records, ascending slot (= insertion order):
 *   u32  slot (&lt; S, strictly ascending)
 *   u32  id byte length L, L bytes UTF-8 id
 *   i32  metadata byte length M (-1 = none), M bytes compact JSON object
 * </pre>
 *
 * Generation format 1 only: format 2 replaced it with the id map, metadata store and inverted index files that open in
 * place ({@link StorageDbStore}). It is still read, so format 1 databases open (decoding every record onto the heap and
 * rebuilding the inverted index, O(live records)); {@link #write} stays for tests that build format 1 generations.
 */
public final class CatalogFile {

    public static final String NAME = "catalog";
    public static final int MAGIC = 0x54414351;
    public static final int VERSION = 1;

    private CatalogFile() {
    }

    public static void write(WritableFile out, Catalog catalog) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(catalog.slotLimit());
        out.writeInt(catalog.size());
        int[] written = new int[1];
        catalog.forEachLive(slot -> {
            out.writeInt(slot);
            out.writeBytesWithLength(catalog.idOf(slot).getBytes(StandardCharsets.UTF_8));
            Map<String, Object> meta = catalog.metadata(slot);
            if (meta == null) {
                out.writeInt(-1);
            } else {
                out.writeBytesWithLength(MetadataCodec.encode(meta));
            }
            written[0]++;
        });
        assert written[0] == catalog.size();
    }

    /**
     * Reads every record into the empty {@code catalog}.
     *
     * @param totalSlots slots of the index loaded beside it (every record's slot must be below it)
     */
    public static void read(ReadableStream in, Path file, int totalSlots, Catalog catalog) {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new CorruptFileException(file, "bad catalog magic 0x" + Integer.toHexString(magic));
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new CorruptFileException(file, "unsupported catalog version " + version);
        }
        int slotLimit = in.readInt();
        int count = in.readInt();
        if (slotLimit < 0 || slotLimit > totalSlots || count < 0 || count > slotLimit) {
            throw new CorruptFileException(file, "catalog of " + count + " records over " + slotLimit
                    + " slots does not fit an index of " + totalSlots + " slots");
        }
        int previous = -1;
        for (int i = 0; i < count; i++) {
            int slot = in.readInt();
            if (slot <= previous || slot >= slotLimit) {
                throw new CorruptFileException(file, "record " + i + " has slot " + slot + " (previous " + previous
                        + ", limit " + slotLimit + ")");
            }
            previous = slot;
            String id = new String(in.readBytesWithLength(WalRecordCodec.MAX_ID_BYTES), StandardCharsets.UTF_8);
            int metaLen = in.readInt();
            Map<String, Object> meta = null;
            if (metaLen != -1) {
                if (metaLen < 0 || metaLen > in.remaining()) {
                    throw new CorruptFileException(file, "metadata length " + metaLen + " of record " + i);
                }
                byte[] bytes = new byte[metaLen];
                in.readFully(bytes);
                meta = FrozenJson.freeze(MetadataCodec.decode(bytes));
            }
            if (catalog.slotOf(id) >= 0) {
                throw new CorruptFileException(file, "id '" + id + "' appears twice");
            }
            catalog.put(slot, id, meta);
        }
        if (in.remaining() != 0) {
            throw new CorruptFileException(file, in.remaining() + " trailing bytes after " + count + " records");
        }
    }
}
