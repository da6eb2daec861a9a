package dev.quiver.engine.db;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Which id lives in which slot, and each live slot's metadata.
 *
 * <p>Slots are handed out in insertion order and never reused until compaction, which renumbers live slots in
 * ascending order; so ascending live slots <em>are</em> insertion order (departure 10) and {@link #ids()} needs no
 * separate list. An upsert of an existing id keeps its slot and therefore its position.
 *
 * <p>Not thread-safe: the database mutates it under its exclusive state lock and reads it under the shared one.
 */
public final class Catalog {

    private final HashMap<String, Integer> slotById = new HashMap<>();
    private String[] idBySlot = new String[16];
    /** Each element a {@code Map<String, Object>} or null (an array of a generic type cannot be created). */
    private Object[] metadataBySlot = new Object[16];
    /** One past the highest slot ever published. */
    private int slotLimit;

    /** The live slot of {@code id}, or -1. */
    public int slotOf(String id) {
        Integer slot = slotById.get(id);
        return slot == null ? -1 : slot;
    }

    /** The id living in {@code slot}, or {@code null} for a deleted or not yet published slot. */
    public String idOf(int slot) {
        return slot >= 0 && slot < slotLimit ? idBySlot[slot] : null;
    }

    public boolean isLive(int slot) {
        return idOf(slot) != null;
    }

    /** Metadata of a live slot (the stored, normalized, unmodifiable map), or {@code null} when it has none. */
    public Map<String, Object> metadata(int slot) {
        return slot >= 0 && slot < slotLimit ? metadataAt(slot) : null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> metadataAt(int slot) {
        return (Map<String, Object>) metadataBySlot[slot];
    }

    /** Publishes a new live slot. */
    public void put(int slot, String id, Map<String, Object> metadata) {
        assert !slotById.containsKey(id) : id;
        ensureCapacity(slot + 1);
        assert idBySlot[slot] == null : slot;
        idBySlot[slot] = id;
        metadataBySlot[slot] = metadata;
        slotById.put(id, slot);
        slotLimit = Math.max(slotLimit, slot + 1);
    }

    /** Replaces a live slot's metadata ({@code null} clears it); returns the previous value. */
    public Map<String, Object> replaceMetadata(int slot, Map<String, Object> metadata) {
        Map<String, Object> old = metadataAt(slot);
        metadataBySlot[slot] = metadata;
        return old;
    }

    /** Removes the live slot's id and metadata; returns the metadata it had. */
    public Map<String, Object> remove(int slot) {
        String id = idBySlot[slot];
        assert id != null : slot;
        slotById.remove(id);
        idBySlot[slot] = null;
        Map<String, Object> old = metadataAt(slot);
        metadataBySlot[slot] = null;
        return old;
    }

    /** Live records. */
    public int size() {
        return slotById.size();
    }

    /** One past the highest slot published. */
    public int slotLimit() {
        return slotLimit;
    }

    /** Live ids in insertion order. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>(slotById.size());
        for (int s = 0; s < slotLimit; s++) {
            if (idBySlot[s] != null) {
                ids.add(idBySlot[s]);
            }
        }
        return ids;
    }

    /** Calls {@code action} for every live slot, ascending (insertion order). */
    public void forEachLive(IntConsumer action) {
        for (int s = 0; s < slotLimit; s++) {
            if (idBySlot[s] != null) {
                action.accept(s);
            }
        }
    }

    /**
     * Renumbers after compaction: {@code oldToNew[old]} is the new slot, -1 for dropped slots. Every live slot must
     * map to a slot (compaction keeps all live slots).
     */
    public void remap(int[] oldToNew, int newSlotCount) {
        String[] ids = new String[Math.max(16, newSlotCount)];
        Object[] metas = new Object[ids.length];
        slotById.clear();
        for (int s = 0; s < slotLimit; s++) {
            if (idBySlot[s] != null) {
                int n = oldToNew[s];
                assert n >= 0 : "live slot " + s + " dropped by compaction";
                ids[n] = idBySlot[s];
                metas[n] = metadataBySlot[s];
                slotById.put(ids[n], n);
            }
        }
        idBySlot = ids;
        metadataBySlot = metas;
        slotLimit = newSlotCount;
    }

    private void ensureCapacity(int slots) {
        if (slots > idBySlot.length) {
            int cap = Math.max(slots, idBySlot.length + (idBySlot.length >> 1));
            idBySlot = Arrays.copyOf(idBySlot, cap);
            metadataBySlot = Arrays.copyOf(metadataBySlot, cap);
        }
    }
}
