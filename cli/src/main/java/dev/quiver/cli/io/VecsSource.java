package dev.quiver.cli.io;

import dev.quiver.cli.CliException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TEXMEX {@code .fvecs} (per row: int32 dim, then dim float32) and {@code .bvecs} (int32 dim, then dim unsigned
 * bytes), little-endian. Ids are {@code prefix + row number}; metadata comes from an optional JSON-lines side file,
 * one object per row.
 */
public final class VecsSource implements VectorSource {

    private final Path file;
    private final boolean bytes;
    private final String idPrefix;
    private final DataInputStream in;
    private final MetadataLines metadata;
    private final byte[] header = new byte[4];
    private int dim = -1;
    private long row;

    VecsSource(Path file, boolean bytes, String idPrefix, Path metadataFile) throws IOException {
        this.file = file;
        this.bytes = bytes;
        this.idPrefix = idPrefix;
        this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        this.metadata = metadataFile == null ? null : new MetadataLines(metadataFile);
    }

    @Override
    public int dim() throws IOException {
        if (dim < 0) {
            in.mark(4);
            if (!readHeader()) {
                throw CliException.invalid(file + ": empty file, no vectors");
            }
            in.reset();
        }
        return dim;
    }

    /** Reads the next row's dimension into {@link #dim}; false at a clean end of file. */
    private boolean readHeader() throws IOException {
        int n = in.readNBytes(header, 0, 4);
        if (n == 0) {
            return false;
        }
        if (n < 4) {
            throw CliException.invalid(file + ": row " + row + " is truncated (partial dimension header)");
        }
        int d = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (d < 1) {
            throw CliException.invalid(file + ": row " + row + " has dimension " + d);
        }
        if (dim >= 0 && d != dim) {
            throw CliException.invalid(file + ": row " + row + " has dimension " + d + ", earlier rows " + dim);
        }
        dim = d;
        return true;
    }

    @Override
    public Batch next(int max) throws IOException {
        List<String> ids = new ArrayList<>(Math.min(max, 1 << 14));
        List<float[]> vectors = new ArrayList<>(Math.min(max, 1 << 14));
        List<Map<String, Object>> metas = metadata == null ? null : new ArrayList<>();
        while (ids.size() < max && readHeader()) {
            float[] v = new float[dim];
            try {
                if (bytes) {
                    byte[] raw = new byte[dim];
                    in.readFully(raw);
                    for (int i = 0; i < dim; i++) {
                        v[i] = raw[i] & 0xff;
                    }
                } else {
                    byte[] raw = new byte[dim * 4];
                    in.readFully(raw);
                    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                }
            } catch (EOFException e) {
                throw CliException.invalid(file + ": row " + row + " is truncated (expected " + dim + " values)");
            }
            ids.add(idPrefix + row);
            vectors.add(bytes ? v : Vectors.requireFinite(v, file, row));
            if (metas != null) {
                metas.add(metadata.next(row));
            }
            row++;
        }
        if (ids.isEmpty()) {
            return null;
        }
        return new Batch(ids, vectors.toArray(new float[0][]), metas);
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
