package dev.quiver.internal.hnsw;

import java.util.function.IntConsumer;

/**
 * A slot filter over a plain bitset, one bit per slot: {@link #accept} is a shift, a load and a mask, which matters
 * because a filtered traversal asks it for every neighbour it meets (tens of thousands of times per query on a
 * selective filter). Build it once per filtered query (or per prepared plan) from whatever set structure resolved the
 * filter; building costs one pass over the accepted slots. Immutable once built, so it is safe to share between
 * search threads.
 */
public final class DenseSlotFilter implements SlotFilter {

    private final long[] words;
    private final int count;

    private DenseSlotFilter(long[] words, int count) {
        this.words = words;
        this.count = count;
    }

    /** Collects accepted slots; {@link #build} freezes them. Not thread-safe. */
    public static final class Builder implements IntConsumer {
        private long[] words;
        private int count;

        /** @param capacityHint expected slot bound (the array grows past it if needed) */
        public Builder(int capacityHint) {
            if (capacityHint < 0) {
                throw new IllegalArgumentException("capacityHint must be >= 0, got " + capacityHint);
            }
            words = new long[(capacityHint + 63) >>> 6];
        }

        /** Adds {@code slot}; adding it twice counts it once. */
        @Override
        public void accept(int slot) {
            if (slot < 0) {
                throw new IllegalArgumentException("slot must be >= 0, got " + slot);
            }
            int w = slot >>> 6;
            if (w >= words.length) {
                words = java.util.Arrays.copyOf(words, Math.max(w + 1, words.length + (words.length >>> 1)));
            }
            long bit = 1L << slot;
            if ((words[w] & bit) == 0) {
                words[w] |= bit;
                count++;
            }
        }

        public DenseSlotFilter build() {
            DenseSlotFilter f = new DenseSlotFilter(words, count);
            words = new long[0];
            count = 0;
            return f;
        }
    }

    public static DenseSlotFilter of(int... slots) {
        Builder b = new Builder(0);
        for (int s : slots) {
            b.accept(s);
        }
        return b.build();
    }

    @Override
    public boolean accept(int slot) {
        int w = slot >>> 6;
        return w < words.length && (words[w] & (1L << slot)) != 0;
    }

    /** Exact: the number of slots added. */
    @Override
    public int estimatedCount() {
        return count;
    }

    @Override
    public boolean forEachAccepted(int limit, IntConsumer consumer) {
        int lastWord = Math.min(words.length, (limit + 63) >>> 6);
        for (int w = 0; w < lastWord; w++) {
            long word = words[w];
            while (word != 0) {
                int slot = (w << 6) + Long.numberOfTrailingZeros(word);
                if (slot >= limit) {
                    return true;
                }
                consumer.accept(slot);
                word &= word - 1;
            }
        }
        return true;
    }
}
