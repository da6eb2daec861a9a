package dev.quiver.engine.db;

import dev.quiver.engine.hnsw.HnswIndex;
import dev.quiver.engine.meta.MetadataCodec;
import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.gen.WritableFile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ids, metadata and vectors of a generation, as written by the database (logical file {@value #NAME}; the storage
 * module frames it with its own header, checksums and trailer).
 *
 * <pre>
 * u32  magic 0x54414351 ("QCAT" little-endian)
 * u32  version (= 1)
 * u32  dim
 * u32  live record count N
 * N records, ascending slot (= insertion order):
 *   u32  id byte length L, L bytes UTF-8 id
 *   i32  metadata byte length M (-1 = none), M bytes compact JSON object
 *   dim x f32 vector, exactly as stored
 * </pre>
 *
 * Tombstoned slots are not written: a loaded generation is compact (slots renumbered densely in insertion order),
 * which keeps the insertion order of {@code ids()} and costs nothing the log depends on, since log records name ids,
 * not slots. The graph is rebuilt from the vectors at open (one parallel batch build).
 */
public final class CatalogFile {

    public static final String NAME = "catalog";
    public static final int MAGIC = 0x54414351;
    public static final int VERSION = 1;

    private CatalogFile() {
    }

    /** Writes every live slot of {@code catalog} with its vector from {@code index}. */
    public static void write(WritableFile out, Catalog catalog, HnswIndex index, int dim) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(dim);
        out.writeInt(catalog.size());
        float[] vector = new float[dim];
        int[] written = new int[1];
        catalog.forEachLive(slot -> {
            out.writeBytesWithLength(catalog.idOf(slot).getBytes(StandardCharsets.UTF_8));
            Map<String, Object> meta = catalog.metadata(slot);
            if (meta == null) {
                out.writeInt(-1);
            } else {
                out.writeBytesWithLength(MetadataCodec.encode(meta));
            }
            index.vector(slot, vector);
            for (float x : vector) {
                out.writeFloat(x);
            }
            written[0]++;
        });
        assert written[0] == catalog.size();
    }

    /** One record read back. */
    public record Entry(String id, byte[] metadataJson, float[] vector) { }

    /** Reads every record, in order. */
    public static List<Entry> read(ReadableStream in, int expectedDim, java.nio.file.Path file) {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new CorruptFileException(file, "bad catalog magic 0x" + Integer.toHexString(magic));
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new CorruptFileException(file, "unsupported catalog version " + version);
        }
        int dim = in.readInt();
        if (dim != expectedDim) {
            throw new CorruptFileException(file, "catalog dim " + dim + " differs from the manifest's " + expectedDim);
        }
        int count = in.readInt();
        if (count < 0) {
            throw new CorruptFileException(file, "negative record count " + count);
        }
        List<Entry> entries = new ArrayList<>(Math.min(count, 1 << 20));
        for (int i = 0; i < count; i++) {
            String id = new String(in.readBytesWithLength(WalRecordCodec.MAX_ID_BYTES), StandardCharsets.UTF_8);
            int metaLen = in.readInt();
            byte[] meta = null;
            if (metaLen != -1) {
                if (metaLen < 0 || metaLen > in.remaining()) {
                    throw new CorruptFileException(file, "metadata length " + metaLen + " of record " + i);
                }
                meta = new byte[metaLen];
                in.readFully(meta);
            }
            float[] vector = new float[dim];
            for (int d = 0; d < dim; d++) {
                vector[d] = in.readFloat();
            }
            entries.add(new Entry(id, meta, vector));
        }
        if (in.remaining() != 0) {
            throw new CorruptFileException(file, in.remaining() + " trailing bytes after " + count + " records");
        }
        return entries;
    }
}
