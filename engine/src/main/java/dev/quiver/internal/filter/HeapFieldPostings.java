package dev.quiver.internal.filter;

import dev.quiver.internal.meta.NumericKey;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The heap layer of the {@link InvertedIndex} for one field: slots per scalar value, numeric values in order, and
 * the slots where the field is present or holds an array or object. Not thread-safe (the index locks).
 */
final class HeapFieldPostings {

    final RoaringBitmap present = new RoaringBitmap();
    final RoaringBitmap nonScalar = new RoaringBitmap();
    /**
     * Keys: String, Boolean, NumericKey, NullKey. A posting is an {@code Integer} while one slot holds the value
     * and a {@link RoaringBitmap} from two on: unique values (titles, timestamps, scores) are common in metadata
     * and a one-element bitmap costs about ten times a boxed int.
     */
    final Map<Object, Object> byValue = new HashMap<>();
    /** The numeric keys of {@link #byValue}, in value order, for ranges. */
    final NavigableSet<NumericKey> numbers = new TreeSet<>();

    boolean isEmpty() {
        return present.isEmpty();
    }

    void add(Object key, int slot) {
        Object posting = byValue.get(key);
        switch (posting) {
            case null -> {
                byValue.put(key, slot);
                if (key instanceof NumericKey nk) {
                    numbers.add(nk);
                }
            }
            case Integer single -> {
                if (single != slot) {
                    byValue.put(key, RoaringBitmap.bitmapOf(Math.min(single, slot), Math.max(single, slot)));
                }
            }
            default -> ((RoaringBitmap) posting).add(slot);
        }
    }

    void remove(Object key, int slot) {
        Object posting = byValue.get(key);
        switch (posting) {
            case null -> { }
            case Integer single -> {
                if (single == slot) {
                    byValue.remove(key);
                    if (key instanceof NumericKey nk) {
                        numbers.remove(nk);
                    }
                }
            }
            default -> {
                RoaringBitmap bm = (RoaringBitmap) posting;
                bm.remove(slot);
                if (bm.getCardinality() == 1) {
                    byValue.put(key, bm.first()); // back to the compact form, so churn does not leak memory
                }
            }
        }
    }

    /** A posting as a new bitmap the caller may modify. */
    static RoaringBitmap copyOf(Object posting) {
        return switch (posting) {
            case null -> new RoaringBitmap();
            case Integer single -> RoaringBitmap.bitmapOf(single);
            default -> ((RoaringBitmap) posting).clone();
        };
    }

    /** The union of postings, as a new bitmap. */
    static RoaringBitmap union(Iterable<?> postings) {
        List<RoaringBitmap> bitmaps = new ArrayList<>();
        int[] singles = new int[16];
        int n = 0;
        for (Object posting : postings) {
            switch (posting) {
                case null -> { }
                case Integer single -> {
                    if (n == singles.length) {
                        singles = Arrays.copyOf(singles, n * 2);
                    }
                    singles[n++] = single;
                }
                default -> bitmaps.add((RoaringBitmap) posting);
            }
        }
        RoaringBitmap out = switch (bitmaps.size()) {
            case 0 -> new RoaringBitmap();
            case 1 -> bitmaps.getFirst().clone();
            default -> FastAggregation.or(bitmaps.iterator());
        };
        if (n > 0) {
            Arrays.sort(singles, 0, n); // sorted adds append to Roaring containers instead of inserting
            out.or(RoaringBitmap.bitmapOf(Arrays.copyOf(singles, n)));
        }
        return out;
    }
}
