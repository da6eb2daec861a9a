package dev.quiver.internal.db;

import dev.quiver.DimensionMismatchException;
import dev.quiver.InvalidArgumentException;
import dev.quiver.simd.VectorOps;

import dev.quiver.internal.meta.IdMap;
import dev.quiver.storage.wal.WalFormat;
import java.util.List;

/**
 * Checks at the public boundary. Every write validates all of its input with these before anything is logged, so a
 * rejected call leaves the database unchanged; the messages name the bad value (vctrs's texts where vctrs has one).
 */
public final class InputChecks {

    private InputChecks() {
    }

    /** {@code value}, or {@link InvalidArgumentException} naming the parameter when it is null. */
    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new InvalidArgumentException(name + " must not be null");
        }
        return value;
    }

    /** A vector of the database dimension with only finite components. */
    public static void vector(float[] vector, int dim, String what) {
        if (vector == null) {
            throw new InvalidArgumentException(what + " must not be null");
        }
        if (vector.length != dim) {
            throw new DimensionMismatchException("dimension mismatch: expected " + dim + ", got " + vector.length);
        }
        // Every query passes here: first the kernels' float32 norm, which is NaN or infinite whenever a component is
        // (a sum of squares cannot hide one). Finite and at most half the limit, the vector is accepted without the
        // exact loop below, whose serial double sum cost ~1% of a 784-d search: float32 rounding of a sum of
        // dim <= Config.MAX_DIM squares is off by well under 1%, so such a vector is truly below the limit.
        float fastNorm = VectorOps.normSquared(vector);
        if (Float.isFinite(fastNorm) && fastNorm <= MAX_SQUARED_NORM / 2) {
            return;
        }
        double squaredNorm = 0;
        for (int i = 0; i < vector.length; i++) {
            float x = vector[i];
            if (!Float.isFinite(x)) {
                throw new InvalidArgumentException(what + " component " + i + " is " + x + "; components must be finite");
            }
            squaredNorm += (double) x * x;
        }
        if (squaredNorm > MAX_SQUARED_NORM) {
            throw new InvalidArgumentException(what + " has squared norm " + squaredNorm + ", above "
                    + MAX_SQUARED_NORM + ": its distances would overflow float32 (Infinity, or NaN for cosine); scale "
                    + "it down");
        }
    }

    /**
     * Largest squared norm accepted: distances are float32, and with |a|^2 and |b|^2 at most a quarter of
     * {@code Float.MAX_VALUE} no kernel's sum (a dot product, |a - b|^2 &lt;= 2|a|^2 + 2|b|^2, a norm) can overflow.
     */
    public static final double MAX_SQUARED_NORM = Float.MAX_VALUE / 4.0;

    /**
     * Longest metadata of one record, in bytes of compact JSON: what one log record carries
     * ({@link WalFormat#MAX_PAYLOAD_BYTES}) beside the record's other fields at their largest (an id of
     * {@link IdMap#MAX_ID_BYTES}, a vector of {@link dev.quiver.Config#MAX_DIM} floats, lengths and flags).
     */
    public static final int MAX_METADATA_BYTES = WalFormat.MAX_PAYLOAD_BYTES
            - (1 + 2 + IdMap.MAX_ID_BYTES + 1 + 4 + Float.BYTES * dev.quiver.Config.MAX_DIM + 4);

    /**
     * Encoded metadata a log record can carry; a larger one is refused here, before anything is logged (the log
     * would refuse the record, and a failed append stops the database).
     */
    public static byte[] metadataBytes(byte[] json) {
        if (json != null && json.length > MAX_METADATA_BYTES) {
            throw new InvalidArgumentException("invalid metadata: it encodes to " + json.length
                    + " bytes of JSON, the limit is " + MAX_METADATA_BYTES);
        }
        return json;
    }

    /** Every vector of a batch; the first offender is reported with its position. */
    public static void vectors(float[][] vectors, int dim, String what) {
        if (vectors == null) {
            throw new InvalidArgumentException(what + " must not be null");
        }
        for (int i = 0; i < vectors.length; i++) {
            vector(vectors[i], dim, what + "[" + i + "]");
        }
    }

    /**
     * A non-empty id of valid Unicode (no unpaired surrogate, which UTF-8 and so the log cannot carry) of at most
     * {@link IdMap#MAX_ID_BYTES} UTF-8 bytes.
     */
    public static void id(String id) {
        if (id == null) {
            throw new InvalidArgumentException("id must not be null");
        }
        IdMap.validateId(id);
    }

    /** Every id of a batch. */
    public static void ids(List<String> ids) {
        if (ids == null) {
            throw new InvalidArgumentException("ids must not be null");
        }
        for (String id : ids) {
            id(id);
        }
    }

    /** vctrs's binding check: {@code ids length (A) != vectors length (B)}. */
    public static void sameLength(List<String> ids, float[][] vectors) {
        if (ids.size() != vectors.length) {
            throw new InvalidArgumentException("ids length (" + ids.size() + ") != vectors length (" + vectors.length + ")");
        }
    }

    /** vctrs's binding check: {@code metadatas length (A) != ids length (B)}. */
    public static void sameLength(List<?> metadatas, List<String> ids) {
        if (metadatas != null && metadatas.size() != ids.size()) {
            throw new InvalidArgumentException("metadatas length (" + metadatas.size() + ") != ids length ("
                    + ids.size() + ")");
        }
    }

    /** k at least 0 (0 returns an empty list). */
    public static void k(int k) {
        if (k < 0) {
            throw new InvalidArgumentException("k must not be negative, got " + k);
        }
    }
}
