package dev.quiver.internal.hnsw;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Per-thread scratch of searches and of linking: visited stamps, the two heaps, neighbour and score buffers.
 * Reused for every query on a thread, so a search allocates nothing proportional to the index size.
 */
final class SearchState {

    final VisitedSet visited = new VisitedSet();
    final ScoreHeap candidates = ScoreHeap.minHeap(512);
    final ScoreHeap results = ScoreHeap.maxHeap(512);
    final BeamPool pool = new BeamPool();

    /** One neighbour list. */
    final int[] neighbors;
    /** A second list (two-hop expansion, back-link pruning). */
    final int[] neighbors2;
    /** Unvisited slots gathered for one bulk scoring call, and their scores. */
    int[] gather;
    float[] scores;
    MemorySegment[] segs;
    long[] offs;
    /** The stored norms of the gathered slots (cosine), loaded before the kernel so their misses overlap its own. */
    float[] norms;

    /** Linking: candidate list, chosen list and the vectors compared during neighbour selection. */
    int[] candSlots = new int[256];
    float[] candScores = new float[256];
    final int[] chosen;
    final float[] chosenScores;
    final float[] pairScores;
    /** The slots of one block of kept neighbours in the diversity check. */
    final int[] selectBlock;
    final float[] vectorA;
    final float[] vectorB;
    /** A second candidate list for back-link pruning and repair (the first holds the beam's entries meanwhile). */
    private int[] cand2 = new int[64];
    float[] candScores2 = new float[64];

    int[] candSlots2(int n) {
        if (cand2.length < n) {
            cand2 = new int[n];
            candScores2 = new float[n];
        }
        return cand2;
    }

    /** Work counters of the current search on this thread (see {@link SearchWork}); reset when a search starts. */
    int expanded;
    int distances;
    int bridges;
    boolean exactFallback;

    void resetWork() {
        expanded = 0;
        distances = 0;
        bridges = 0;
        exactFallback = false;
    }

    /** Search results drained nearest-first. */
    int[] hitSlots = new int[256];
    float[] hitScores = new float[256];

    /** @param dim length of the scratch vectors: the store's {@link VectorSlabs#kernelDim} (zero tail kept zero) */
    SearchState(int dim, int maxDegree0) {
        int fanout = maxDegree0 + 1;
        neighbors = new int[fanout];
        neighbors2 = new int[fanout];
        ensureGather(fanout * 2);
        chosen = new int[fanout];
        chosenScores = new float[fanout];
        pairScores = new float[fanout];
        selectBlock = new int[NeighborSelector.BLOCK];
        vectorA = new float[dim];
        vectorB = new float[dim];
    }

    /** Integer kernel results (SQ8). */
    private int[] ints = new int[64];
    /** The quantized query. */
    byte[] queryCode = new byte[0];

    int[] intScores(int n) {
        if (ints.length < n) {
            ints = new int[Math.max(n, ints.length * 2)];
        }
        return ints;
    }

    /** The query's SQ8 code, {@code length} bytes (the codes' padded length; its content is the caller's). */
    byte[] queryCode(int length) {
        if (queryCode.length != length) {
            queryCode = new byte[length];
        }
        return queryCode;
    }

    void ensureGather(int n) {
        if (gather == null || gather.length < n) {
            gather = new int[n];
            scores = new float[n];
            segs = new MemorySegment[n];
            offs = new long[n];
            norms = new float[n];
        }
    }

    void ensureCandidates(int n) {
        if (candSlots.length < n) {
            candSlots = Arrays.copyOf(candSlots, n);
            candScores = Arrays.copyOf(candScores, n);
        }
    }

    void ensureHits(int n) {
        if (hitSlots.length < n) {
            hitSlots = new int[n];
            hitScores = new float[n];
        }
    }
}
