package dev.quiver.internal.hnsw;

/**
 * Read access to the layers of an HNSW graph, what {@link GraphSearcher} walks: the live, growable
 * {@link GraphLayers} of an index, or the read-only {@link FrozenGraph} of a segment file.
 */
abstract class Adjacency {

    /** Copies the neighbours of {@code slot} on {@code level} into {@code dst} and returns how many. */
    abstract int readNeighbors(int slot, int level, int[] dst);

    /** Maximum list length on {@code level}. */
    abstract int maxDegree(int level);

    /** Whether {@code slot} carries a tombstone. */
    abstract boolean isDeleted(int slot);
}
