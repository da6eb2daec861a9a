package dev.quiver.internal.db;

import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.meta.MetadataCodec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Applies logged records to the index, the catalog and the filter index: the live write path and replay run the same
 * code, so a reopened database equals the one that acknowledged the writes.
 *
 * <p>Graph linking of new records runs outside the state lock (a search never waits for a batch build); publishing
 * ids, metadata and filter postings, and overwriting a live record's vector in place, happen under its write side.
 * Callers hold the database's writer lock (or are recovering, alone).
 */
final class RecordApplier {

    private final Catalog catalog;
    private final FilterIndex filters;
    private final ReentrantReadWriteLock stateLock;

    RecordApplier(Catalog catalog, FilterIndex filters, ReentrantReadWriteLock stateLock) {
        this.catalog = catalog;
        this.filters = filters;
        this.stateLock = stateLock;
    }

    /** Applies records just logged together: a batch of puts through one build, anything else one by one. */
    void apply(HnswIndex index, List<? extends WalRecord.Write> records) {
        if (records.size() > 1 && records.getFirst() instanceof WalRecord.Put) {
            @SuppressWarnings("unchecked")
            List<WalRecord.Put> puts = (List<WalRecord.Put>) records;
            applyBatch(index, puts);
        } else {
            for (WalRecord.Write r : records) {
                applyOne(index, r);
            }
        }
    }

    /** Applies one logged record. */
    void applyOne(HnswIndex index, WalRecord.Write record) {
        switch (record) {
            case WalRecord.Put p -> {
                Map<String, Object> meta = decode(p.metadataJson());
                int slot = catalog.slotOf(p.id());
                if (slot >= 0) {
                    // The vector is overwritten in place: readers must not see it half written, nor the new
                    // vector with the old metadata, so the change is made under the state lock.
                    stateLock.writeLock().lock();
                    try {
                        index.update(slot, p.vector());
                        publishMetadata(slot, meta);
                    } finally {
                        stateLock.writeLock().unlock();
                    }
                } else {
                    int newSlot = index.insert(p.vector());
                    publishNew(newSlot, p.id(), meta);
                }
            }
            case WalRecord.Update u -> {
                int slot = catalog.slotOf(u.id());
                if (slot < 0) {
                    return; // replay of a log written by an older session whose id vanished: nothing to apply
                }
                Map<String, Object> meta = u.metadataJson() != null ? decode(u.metadataJson()) : null;
                stateLock.writeLock().lock();  // in-place overwrite: see the Put case
                try {
                    if (u.vector() != null) {
                        index.update(slot, u.vector());
                    }
                    if (meta != null) {
                        publishMetadata(slot, meta);
                    }
                } finally {
                    stateLock.writeLock().unlock();
                }
            }
            case WalRecord.Delete d -> {
                int slot = catalog.slotOf(d.id());
                if (slot < 0) {
                    return;
                }
                stateLock.writeLock().lock();
                try {
                    filters.remove(slot, catalog.remove(slot));
                    index.delete(slot);
                } finally {
                    stateLock.writeLock().unlock();
                }
            }
        }
    }

    /**
     * Applies puts: existing ids one by one, new ids through one parallel batch build, linked outside the state
     * lock and then published together.
     */
    void applyBatch(HnswIndex index, List<WalRecord.Put> puts) {
        List<WalRecord.Put> fresh = new ArrayList<>(puts.size());
        for (WalRecord.Put p : puts) {
            if (catalog.slotOf(p.id()) >= 0) {
                applyOne(index, p);
            } else {
                fresh.add(p);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        float[][] vectors = new float[fresh.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = fresh.get(i).vector();
        }
        int[] slots = index.insertBatch(vectors);
        List<Map<String, Object>> metas = new ArrayList<>(fresh.size());
        for (WalRecord.Put p : fresh) {
            metas.add(decode(p.metadataJson()));
        }
        stateLock.writeLock().lock();
        try {
            for (int i = 0; i < slots.length; i++) {
                catalog.put(slots[i], fresh.get(i).id(), metas.get(i));
                filters.add(slots[i], metas.get(i));
            }
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private void publishNew(int slot, String id, Map<String, Object> meta) {
        stateLock.writeLock().lock();
        try {
            catalog.put(slot, id, meta);
            filters.add(slot, meta);
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private void publishMetadata(int slot, Map<String, Object> meta) {
        stateLock.writeLock().lock();
        try {
            filters.replace(slot, catalog.replaceMetadata(slot, meta), meta);
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private static Map<String, Object> decode(byte[] json) {
        return json == null ? null : FrozenJson.freeze(MetadataCodec.decode(json));
    }

    /** A replay into {@code index}: feed it the log's writes in order, then {@link Replay#flush()}. */
    Replay replay(HnswIndex index) {
        return new Replay(index);
    }

    /**
     * Groups consecutive puts of new ids during replay so they go through one batch build (the same structure a
     * live {@code addMany} produces), and applies everything else record by record, in order.
     */
    final class Replay {
        private final HnswIndex index;
        private final List<WalRecord.Put> run = new ArrayList<>();
        private final HashSet<String> runIds = new HashSet<>();

        private Replay(HnswIndex index) {
            this.index = index;
        }

        void accept(WalRecord.Write w) {
            if (w instanceof WalRecord.Put p && catalog.slotOf(p.id()) < 0 && !runIds.contains(p.id())) {
                run.add(p);
                runIds.add(p.id());
                return;
            }
            flush();
            applyOne(index, w);
        }

        void flush() {
            if (!run.isEmpty()) {
                applyBatch(index, run);
                run.clear();
                runIds.clear();
            }
        }
    }
}
