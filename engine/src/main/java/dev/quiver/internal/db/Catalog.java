package dev.quiver.internal.db;

import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataCodec;
import dev.quiver.internal.meta.MetadataTable;

import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Which id lives in which slot, and each live slot's metadata: an {@link IdMap} and a {@link MetadataTable}. Both are
 * opened in place from a saved generation's files (served from the mapped bytes, nothing decoded at open) with
 * on-heap layers for what was written since, or start empty.
 *
 * <p>Slots are handed out in insertion order and never reused until compaction, which renumbers live slots in
 * ascending order; so ascending live slots <em>are</em> insertion order (DEPARTURES.md D10) and {@link #ids()} needs no
 * separate list. An upsert of an existing id keeps its slot and therefore its position.
 *
 * <p>Metadata is kept encoded ({@link MetadataCodec}) and decoded into a deeply unmodifiable map per read.
 *
 * <p>The database mutates it under its exclusive state lock and reads it under the shared one; {@link #replaceWith}
 * swaps the layers (after a save or a compaction) under the exclusive lock.
 */
public final class Catalog {

    private volatile IdMap ids;
    private volatile MetadataTable metadata;

    /** An empty catalog. */
    public Catalog() {
        this(new IdMap(), new MetadataTable());
    }

    public Catalog(IdMap ids, MetadataTable metadata) {
        this.ids = ids;
        this.metadata = metadata;
    }

    /** Serves from {@code ids} and {@code metadata} from now on (they must describe the same records). */
    public void replaceWith(IdMap ids, MetadataTable metadata) {
        this.ids = ids;
        this.metadata = metadata;
    }

    public IdMap idMap() {
        return ids;
    }

    public MetadataTable metadataTable() {
        return metadata;
    }

    /** The live slot of {@code id}, or -1. */
    public int slotOf(String id) {
        return ids.slotOf(id);
    }

    /** The id living in {@code slot}, or {@code null} for a deleted or not yet published slot. */
    public String idOf(int slot) {
        return ids.idOf(slot);
    }

    public boolean isLive(int slot) {
        return ids.isLive(slot);
    }

    /** Metadata of a live slot (decoded, deeply unmodifiable), or {@code null} when it has none. */
    public Map<String, Object> metadata(int slot) {
        return decodeMetadata(metadata.getBytes(slot));
    }

    /**
     * The ids and stored metadata bytes of {@code slots[0..count)} into {@code ids} and {@code metadataBytes}
     * ({@code null} where a slot has no live id or no metadata): a search's hits, each table locked once per batch.
     */
    public void entries(int[] slots, int count, String[] ids, byte[][] metadataBytes) {
        this.ids.idsOf(slots, count, ids);
        metadata.getBytes(slots, count, metadataBytes);
    }

    /** Stored metadata bytes decoded as {@link #metadata} returns them; {@code null} for {@code null}. */
    public static Map<String, Object> decodeMetadata(byte[] bytes) {
        return bytes == null ? null : FrozenJson.freeze(MetadataCodec.decode(bytes));
    }

    /** The stored metadata bytes of a slot, or {@code null} when it has none. */
    public byte[] metadataBytes(int slot) {
        return metadata.getBytes(slot);
    }

    /** Publishes a new live slot. */
    public void put(int slot, String id, Map<String, Object> meta) {
        ids.put(id, slot);
        if (meta != null) {
            metadata.putMetadata(slot, meta);
        }
    }

    /** Replaces a live slot's metadata ({@code null} clears it); returns the previous value. */
    public Map<String, Object> replaceMetadata(int slot, Map<String, Object> meta) {
        Map<String, Object> old = metadata(slot);
        metadata.putMetadata(slot, meta);
        return old;
    }

    /** Removes the live slot's id and metadata; returns the metadata it had. */
    public Map<String, Object> remove(int slot) {
        String id = ids.idOf(slot);
        assert id != null : slot;
        Map<String, Object> old = metadata(slot);
        ids.remove(id);
        metadata.put(slot, null);
        return old;
    }

    /** Live records. */
    public int size() {
        return ids.size();
    }

    /** One past the highest slot published. */
    public int slotLimit() {
        return ids.slotCount();
    }

    /** Live ids in insertion order. */
    public List<String> ids() {
        return ids.ids();
    }

    /** Calls {@code action} for every live slot, ascending (insertion order). */
    public void forEachLive(IntConsumer action) {
        ids.forEachLive((id, slot) -> action.accept(slot));
    }

    /**
     * Renumbers after compaction: {@code oldToNew[old]} is the new slot, -1 for dropped slots. Every live slot must
     * map to a slot (compaction keeps all live slots). Builds fresh heap layers: O(live records), like compaction.
     */
    public void remap(int[] oldToNew, int newSlotCount) {
        IdMap newIds = new IdMap();
        MetadataTable newMeta = new MetadataTable();
        MetadataTable oldMeta = metadata;
        ids.forEachLive((id, s) -> {
            int n = oldToNew[s];
            assert n >= 0 : "live slot " + s + " dropped by compaction";
            newIds.put(id, n);
            byte[] bytes = oldMeta.getBytes(s);
            if (bytes != null) {
                newMeta.put(n, bytes);
            }
        });
        assert newIds.slotCount() <= newSlotCount;
        replaceWith(newIds, newMeta);
    }
}
