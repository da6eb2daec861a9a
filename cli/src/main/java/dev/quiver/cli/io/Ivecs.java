package dev.quiver.cli.io;

import dev.quiver.cli.CliException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** TEXMEX {@code .ivecs} ground truth: per row, int32 k then k int32 row numbers, little-endian. */
public final class Ivecs {

    private Ivecs() {
    }

    public static int[][] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(dev.quiver.cli.ExitCodes.NOT_FOUND, "no such file: " + file);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> rows = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw CliException.invalid(file + ": row " + rows.size() + " is truncated");
            }
            int k = b.getInt();
            if (k < 0 || b.remaining() < 4L * k) {
                throw CliException.invalid(file + ": row " + rows.size() + " is truncated or has length " + k);
            }
            int[] row = new int[k];
            b.asIntBuffer().get(row);
            b.position(b.position() + 4 * k);
            rows.add(row);
        }
        return rows.toArray(new int[0][]);
    }
}
