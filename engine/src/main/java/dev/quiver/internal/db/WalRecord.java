package dev.quiver.internal.db;

import java.util.Arrays;
import java.util.Objects;

/**
 * One logical write as it is logged before it is applied. Metadata travels as the compact JSON bytes produced by the
 * metadata codec ({@code null} = none), so replay decodes exactly what the original call stored.
 */
public sealed interface WalRecord {

    /** The record's type byte in the write-ahead log (see {@link WalRecordCodec}). */
    byte type();

    /** A record that writes one id. */
    sealed interface Write extends WalRecord {
        /** The id the record writes. */
        String id();
    }

    /**
     * The creation of a database: its shape, logged first so that a database that was never saved can be reopened
     * from its log alone (departure 6).
     */
    record Create(int dim, dev.quiver.Metric metric, int m, int efConstruction, boolean quantize, long seed)
            implements WalRecord {
        public Create {
            Objects.requireNonNull(metric, "metric");
        }

        @Override
        public byte type() {
            return WalRecordCodec.TYPE_CREATE;
        }
    }

    /**
     * Insert or overwrite. {@code addOnly} marks records produced by {@code add}/{@code addMany}: replay applies them
     * exactly like an upsert (the id was validated absent when logged), the flag only keeps the log readable.
     *
     * @param metadataJson compact JSON object bytes, or {@code null} for no metadata
     */
    record Put(boolean addOnly, String id, float[] vector, byte[] metadataJson) implements Write {
        public Put {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(vector, "vector");
        }

        @Override
        public byte type() {
            return addOnly ? WalRecordCodec.TYPE_ADD : WalRecordCodec.TYPE_UPSERT;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && p.addOnly == addOnly && p.id.equals(id) && Arrays.equals(p.vector, vector)
                    && Arrays.equals(p.metadataJson, metadataJson);
        }

        @Override
        public int hashCode() {
            return Objects.hash(addOnly, id, Arrays.hashCode(vector), Arrays.hashCode(metadataJson));
        }

        @Override
        public String toString() {
            return "Put[" + (addOnly ? "add" : "upsert") + ", id=" + id + ", dim=" + vector.length
                    + ", metadata=" + (metadataJson == null ? "none" : metadataJson.length + " bytes") + "]";
        }
    }

    /**
     * Partial overwrite of a live id: the vector when {@code vector != null}, the metadata when
     * {@code metadataJson != null}; the part that is null is kept.
     */
    record Update(String id, float[] vector, byte[] metadataJson) implements Write {
        public Update {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public byte type() {
            return WalRecordCodec.TYPE_UPDATE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Update u && u.id.equals(id) && Arrays.equals(u.vector, vector)
                    && Arrays.equals(u.metadataJson, metadataJson);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, Arrays.hashCode(vector), Arrays.hashCode(metadataJson));
        }

        @Override
        public String toString() {
            return "Update[id=" + id + ", vector=" + (vector != null) + ", metadata=" + (metadataJson != null) + "]";
        }
    }

    /** Removal of a live id. */
    record Delete(String id) implements Write {
        public Delete {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public byte type() {
            return WalRecordCodec.TYPE_DELETE;
        }
    }
}
