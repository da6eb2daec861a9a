package dev.quiver.cli.io;

import dev.quiver.cli.CliException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} arrays (format versions 1 to 3): a 2-D array of shape {@code (rows, dim)} in C order, or a 1-D
 * array as one vector. Element types: little-endian float16, float32 and float64, int8 and uint8. Ids are
 * {@code prefix + row number}; metadata from an optional JSON-lines side file.
 */
public final class NpySource implements VectorSource {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Path file;
    private final String idPrefix;
    private final DataInputStream in;
    private final MetadataLines metadata;
    private final long rows;
    private final int dim;
    private final int elementBytes;
    private final char kind;
    private long row;

    NpySource(Path file, String idPrefix, Path metadataFile) throws IOException {
        this.file = file;
        this.idPrefix = idPrefix;
        this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        boolean ok = false;
        try {
            byte[] magic = in.readNBytes(6);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw CliException.invalid(file + ": not a .npy file (bad magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            long headerLength;
            if (major == 1) {
                headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                headerLength = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            } else {
                throw CliException.invalid(file + ": unsupported .npy format version " + major);
            }
            String header = new String(in.readNBytes((int) headerLength), major == 3 ? StandardCharsets.UTF_8
                    : StandardCharsets.ISO_8859_1);
            String descr = group(DESCR, header, "descr");
            if ("True".equals(group(FORTRAN, header, "fortran_order"))) {
                throw CliException.invalid(file + ": Fortran-order arrays are not supported (save with C order)");
            }
            String[] shape = group(SHAPE, header, "shape").split(",");
            List<Long> dims = new ArrayList<>();
            for (String s : shape) {
                if (!s.isBlank()) {
                    dims.add(Long.parseLong(s.trim()));
                }
            }
            if (dims.size() == 1) {
                rows = 1;
                dim = Math.toIntExact(dims.getFirst());
            } else if (dims.size() == 2) {
                rows = dims.get(0);
                dim = Math.toIntExact(dims.get(1));
            } else {
                throw CliException.invalid(file + ": expected a 1-D or 2-D array, shape is (" + String.join(",",
                        shape) + ")");
            }
            if (dim < 1) {
                throw CliException.invalid(file + ": vectors of dimension " + dim);
            }
            char order = descr.charAt(0);
            kind = descr.charAt(1);
            elementBytes = Integer.parseInt(descr.substring(2));
            boolean supported = switch (kind) {
                case 'f' -> elementBytes == 2 || elementBytes == 4 || elementBytes == 8;
                case 'i', 'u' -> elementBytes == 1;
                default -> false;
            };
            if (!supported || order == '>' && elementBytes > 1) {
                throw CliException.invalid(file + ": unsupported element type '" + descr + "' (use little-endian"
                        + " float16/32/64, int8 or uint8)");
            }
            metadata = metadataFile == null ? null : new MetadataLines(metadataFile);
            ok = true;
        } catch (NumberFormatException e) {
            throw CliException.invalid(file + ": malformed .npy header: " + e.getMessage());
        } finally {
            if (!ok) {
                in.close();
            }
        }
    }

    private String group(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw CliException.invalid(file + ": .npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    /** Rows in the array (from the header). */
    public long rows() {
        return rows;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public Batch next(int max) throws IOException {
        int n = (int) Math.min(max, rows - row);
        if (n <= 0) {
            return null;
        }
        List<String> ids = new ArrayList<>(n);
        float[][] vectors = new float[n][];
        List<Map<String, Object>> metas = metadata == null ? null : new ArrayList<>(n);
        byte[] raw = new byte[dim * elementBytes];
        for (int r = 0; r < n; r++) {
            try {
                in.readFully(raw);
            } catch (EOFException e) {
                throw CliException.invalid(file + ": row " + row + " is truncated (header says " + rows + " rows)");
            }
            vectors[r] = kind == 'f' ? Vectors.requireFinite(decode(raw), file, row) : decode(raw);
            ids.add(idPrefix + row);
            if (metas != null) {
                metas.add(metadata.next(row));
            }
            row++;
        }
        return new Batch(ids, vectors, metas);
    }

    private float[] decode(byte[] raw) {
        float[] v = new float[dim];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dim; i++) {
            v[i] = switch (kind) {
                case 'f' -> switch (elementBytes) {
                    case 2 -> Float.float16ToFloat(b.getShort());
                    case 4 -> b.getFloat();
                    default -> (float) b.getDouble();
                };
                case 'i' -> b.get();
                default -> b.get() & 0xff;
            };
        }
        return v;
    }

    @Override
    public void close() throws IOException {
        try {
            if (metadata != null) {
                metadata.close();
            }
        } finally {
            in.close();
        }
    }
}
