package dev.quiver.storage.gen;

import dev.quiver.storage.CorruptFileException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The manifest {@code graph.vctrs}: which generation is current, its files, the WAL position it covers and the
 * engine's properties. Version {@value #VERSION}; all integers little-endian; strings UTF-8.
 *
 * <pre>
 *   0   u32  magic 0x464D5651 (bytes "QVMF")
 *   4   u32  format version = 1
 *   8   u32  total manifest bytes, including the final checksum
 *   12  u32  flags, 0
 *   16  u64  generation number (&gt;= 1)
 *   24  u64  WAL LSN covered: every WAL record with LSN &lt;= this is reflected in the generation
 *   32  u32  file count F, then F entries (sorted by logical name):
 *            u16 logical name length, name; u16 file name length, name; u32 kind (0 bytes, 1 slab);
 *            u64 file bytes; u64 payload bytes; u32 payload CRC32C
 *   ..  u32  property count P, then P entries (sorted by key): u32 key length, key; u32 value length, value
 *   ..  u32  CRC32C of every byte before it
 * </pre>
 *
 * The name {@code graph.vctrs} is the one vctrs uses for its snapshot, so tools that test for it to decide whether a
 * saved database exists keep working. A vctrs-written file (magic "GWSH") is recognised and rejected by name.
 */
public record Manifest(long generation, long walLsn, List<FileEntry> files, Map<String, String> properties) {
    public static final String FILE_NAME = "graph.vctrs";
    public static final int MAGIC = 0x464D5651;
    public static final int VERSION = 1;
    /** Manifests are small (a few files and properties); anything larger than this is not ours. */
    public static final int MAX_BYTES = 16 << 20;
    private static final int VCTRS_GRAPH_MAGIC = 0x48535747;

    public Manifest {
        files = List.copyOf(files.stream().sorted(java.util.Comparator.comparing(FileEntry::logicalName)).toList());
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    public FileEntry file(String logicalName) {
        for (FileEntry f : files) {
            if (f.logicalName().equals(logicalName)) {
                return f;
            }
        }
        return null;
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(0).putInt(0).putLong(generation).putLong(walLsn).putInt(files.size());
        out.write(b.array(), 0, b.position());
        for (FileEntry f : files) {
            putShortString(out, f.logicalName());
            putShortString(out, f.fileName());
            ByteBuffer e = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            e.putInt(f.kind()).putLong(f.fileBytes()).putLong(f.payloadBytes()).putInt(f.payloadCrc());
            out.write(e.array(), 0, 24);
        }
        putInt(out, properties.size());
        for (Map.Entry<String, String> p : properties.entrySet()) {
            byte[] k = p.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] v = p.getValue().getBytes(StandardCharsets.UTF_8);
            putInt(out, k.length);
            out.write(k, 0, k.length);
            putInt(out, v.length);
            out.write(v, 0, v.length);
        }
        byte[] bytes = java.util.Arrays.copyOf(out.toByteArray(), out.size() + 4);
        ByteBuffer whole = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        whole.putInt(8, bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        whole.putInt(bytes.length - 4, (int) crc.getValue());
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("manifest of " + bytes.length + " bytes exceeds " + MAX_BYTES);
        }
        return bytes;
    }

    public static Manifest decode(Path file, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 40) {
            throw new CorruptFileException(file, "manifest of " + bytes.length + " bytes is too short");
        }
        int magic = b.getInt(0);
        if (magic == VCTRS_GRAPH_MAGIC) {
            throw new CorruptFileException(file, "is a vctrs (Rust) snapshot, not a Quiver manifest; "
                    + "export it to JSON with vctrs and import it into Quiver");
        }
        if (magic != MAGIC) {
            throw new CorruptFileException(file, "not a Quiver manifest: magic 0x" + Integer.toHexString(magic));
        }
        if (b.getInt(4) != VERSION) {
            throw new CorruptFileException(file, "unsupported manifest version " + b.getInt(4) + " (this build reads "
                    + VERSION + ")");
        }
        if (b.getInt(8) != bytes.length) {
            throw new CorruptFileException(file, "manifest says " + Integer.toUnsignedString(b.getInt(8))
                    + " bytes, file has " + bytes.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (b.getInt(bytes.length - 4) != (int) crc.getValue()) {
            throw new CorruptFileException(file, "manifest checksum mismatch");
        }
        try {
            b.position(16);
            long generation = b.getLong();
            long walLsn = b.getLong();
            int fileCount = b.getInt();
            if (fileCount < 0 || fileCount > 10_000) {
                throw new CorruptFileException(file, "bad file count " + fileCount);
            }
            List<FileEntry> files = new ArrayList<>(fileCount);
            for (int i = 0; i < fileCount; i++) {
                String logical = getShortString(file, b);
                String name = getShortString(file, b);
                files.add(new FileEntry(logical, name, b.getInt(), b.getLong(), b.getLong(), b.getInt()));
            }
            int propertyCount = b.getInt();
            if (propertyCount < 0 || propertyCount > 100_000) {
                throw new CorruptFileException(file, "bad property count " + propertyCount);
            }
            Map<String, String> properties = new LinkedHashMap<>();
            for (int i = 0; i < propertyCount; i++) {
                properties.put(getString(file, b), getString(file, b));
            }
            if (b.position() != bytes.length - 4) {
                throw new CorruptFileException(file, (bytes.length - 4 - b.position())
                        + " unexplained bytes before the checksum");
            }
            if (generation < 1) {
                throw new CorruptFileException(file, "bad generation number " + generation);
            }
            return new Manifest(generation, walLsn, files, properties);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptFileException(file, "manifest structure overruns its length");
        }
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private static void putShortString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("name too long: " + s);
        }
        out.write(bytes.length);
        out.write(bytes.length >>> 8);
        out.write(bytes, 0, bytes.length);
    }

    private static String getShortString(Path file, ByteBuffer b) {
        int length = Short.toUnsignedInt(b.getShort());
        return utf8(file, b, length);
    }

    private static String getString(Path file, ByteBuffer b) {
        int length = b.getInt();
        if (length < 0 || length > b.remaining()) {
            throw new CorruptFileException(file, "string length " + Integer.toUnsignedString(length)
                    + " overruns the manifest");
        }
        return utf8(file, b, length);
    }

    private static String utf8(Path file, ByteBuffer b, int length) {
        if (length > b.remaining()) {
            throw new CorruptFileException(file, "string length " + length + " overruns the manifest");
        }
        ByteBuffer slice = b.slice(b.position(), length);
        b.position(b.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptFileException(file, "invalid UTF-8 in the manifest");
        }
    }
}
