package dev.quiver.cli.io;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A file of records read in batches, front to back. Malformed input is a {@link dev.quiver.cli.CliException} with
 * exit code 4 naming the file and the row.
 */
public interface VectorSource extends AutoCloseable {

    /** Records of one read; {@code metadatas} is null when the source carries none. */
    record Batch(List<String> ids, float[][] vectors, List<Map<String, Object>> metadatas) {
        public int size() {
            return ids.size();
        }
    }

    /** The dimension (from the file's header or first record). */
    int dim() throws IOException;

    /** The next at most {@code max} records, or null at the end. */
    Batch next(int max) throws IOException;

    @Override
    void close() throws IOException;
}
