package dev.quiver.internal.hnsw;

import java.util.Arrays;

/**
 * A binary min-heap of (score, slot) pairs on two parallel primitive arrays: no boxing, grows by doubling and is
 * reused across searches. A max-heap is the same heap over negated scores ({@link #maxHeap}), which keeps one
 * comparison routine for both roles of the beam search (candidates: nearest first; results: farthest first).
 */
final class ScoreHeap {

    private final float sign;
    private float[] keys;
    private int[] slots;
    private int size;
    /**
     * Whether the keys are in ascending order (see {@link #fillSorted}): a sorted array is a valid heap, so every
     * operation stays correct; only {@link #drainReversed} uses the order, and any change clears the flag.
     */
    private boolean sorted;

    private ScoreHeap(float sign, int initialCapacity) {
        this.sign = sign;
        this.keys = new float[Math.max(4, initialCapacity)];
        this.slots = new int[keys.length];
    }

    /** Pops the smallest score first. */
    static ScoreHeap minHeap(int initialCapacity) {
        return new ScoreHeap(1f, initialCapacity);
    }

    /** Pops the largest score first. */
    static ScoreHeap maxHeap(int initialCapacity) {
        return new ScoreHeap(-1f, initialCapacity);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
        sorted = false;
    }

    /**
     * Replaces the contents with {@code count} entries given in heap order (nearest first for a min-heap, farthest
     * first for a max-heap), so that draining them needs no sifting.
     */
    void fillSorted(float[] scores, int[] slotsIn, int[] order, int count) {
        if (keys.length < count) {
            keys = new float[count];
            slots = new int[count];
        }
        for (int i = 0; i < count; i++) {
            int at = order[i];
            keys[i] = scores[at] * sign;
            slots[i] = slotsIn[at];
        }
        size = count;
        sorted = true;
    }

    void push(float score, int slot) {
        sorted = false;
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            slots = Arrays.copyOf(slots, size * 2);
        }
        float key = score * sign;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            slots[i] = slots[parent];
            i = parent;
        }
        keys[i] = key;
        slots[i] = slot;
    }

    /** Score at the top (smallest for a min-heap, largest for a max-heap). */
    float topScore() {
        return keys[0] * sign;
    }

    int topSlot() {
        return slots[0];
    }

    /** Removes the top and returns its slot. */
    int pop() {
        sorted = false;
        int top = slots[0];
        int last = --size;
        if (last > 0) {
            siftDown(keys[last], slots[last], last);
        }
        return top;
    }

    /** Replaces the top with (score, slot): one sift instead of a pop plus a push. */
    void replaceTop(float score, int slot) {
        sorted = false;
        siftDown(score * sign, slot, size);
    }

    private void siftDown(float key, int slot, int n) {
        int i = 0;
        int half = n >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < n && keys[right] < keys[child]) {
                child = right;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            slots[i] = slots[child];
            i = child;
        }
        keys[i] = key;
        slots[i] = slot;
    }

    /**
     * Keeps the best {@code bound} entries: pushes while below the bound, otherwise replaces the worst if
     * {@code score} beats it. Meant for a max-heap of results. Returns true if the entry was kept.
     */
    boolean offerBounded(float score, int slot, int bound) {
        if (size < bound) {
            push(score, slot);
            return true;
        }
        if (score < topScore()) {
            replaceTop(score, slot);
            return true;
        }
        return false;
    }

    /**
     * Empties this heap into the arrays in the order it pops, writing from {@code count - 1} down to 0, so a
     * max-heap drains nearest-first. Returns the number written.
     */
    int drainReversed(int[] slotsOut, float[] scoresOut) {
        int count = size;
        if (sorted) {
            for (int i = 0; i < count; i++) {
                scoresOut[count - 1 - i] = keys[i] * sign;
                slotsOut[count - 1 - i] = slots[i];
            }
            clear();
            return count;
        }
        for (int i = count - 1; i >= 0; i--) {
            scoresOut[i] = topScore();
            slotsOut[i] = pop();
        }
        return count;
    }
}
