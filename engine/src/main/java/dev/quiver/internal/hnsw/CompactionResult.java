package dev.quiver.internal.hnsw;

/**
 * A compacted copy of an index: {@code index} holds the live slots of the old one renumbered densely in ascending
 * old-slot order; {@code oldToNew[oldSlot]} is the new slot, or -1 for a deleted slot.
 */
public record CompactionResult(HnswIndex index, int[] oldToNew) {}
