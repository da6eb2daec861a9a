package dev.quiver.internal.filter;

import dev.quiver.Filter;
import dev.quiver.internal.meta.JsonValues;
import dev.quiver.internal.meta.NumericKey;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;

/**
 * The inverted metadata index: for every top-level field, the slots holding each scalar value, the slots holding
 * numbers in value order (for ranges), the slots where the field is present, and the slots where it holds an array or
 * object. Plus the set of live slots, against which negations are taken.
 *
 * <p>Unlike vctrs's index (§2.5), {@code null} is indexed, numbers are keyed by value ({@code 10} and {@code 10.0}
 * share a key), ranges, negations and OR resolve too, and a part it cannot answer (equality with an array or object)
 * widens to a superset instead of to the empty set; {@link #count} is exact for every filter (departure 2).
 *
 * <p>Two layers, like the metadata store: an optional read-only <em>base</em> served from the index file
 * ({@link MappedPostings}; opening reads the field directory only), and an on-heap index of the slots written since.
 * A base slot that is updated or deleted joins the {@code dirty} set and its base entries are ignored from then on;
 * every answer is {@code (base - dirty) | heap}. {@link #writeTo} merges both layers into a new file.
 *
 * <p>Thread-safety: any number of concurrent readers, writers exclusive (a read-write lock inside). Results are
 * fresh bitmaps, never views of the index. A base segment must stay mapped while the index is in use.
 */
public final class InvertedIndex {

    private final RoaringBitmap live = new RoaringBitmap();
    private final Map<String, HeapFieldPostings> fields = new HashMap<>();
    /** The file layer, or null. */
    private final MappedPostings base;
    /** Live slots of the base when it was opened. */
    private final RoaringBitmap baseLive;
    /** Base slots updated or deleted since: their base entries no longer count. */
    private final RoaringBitmap dirty = new RoaringBitmap();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** An empty index. */
    public InvertedIndex() {
        this(null);
    }

    private InvertedIndex(MappedPostings base) {
        this.base = base;
        this.baseLive = base == null ? new RoaringBitmap() : base.live();
        live.or(baseLive);
    }

    /** True while the slot's entries are the base's (it has not been written since the base was opened). */
    private boolean inBase(int slot) {
        return base != null && baseLive.contains(slot) && !dirty.contains(slot);
    }

    /** Indexes a new live slot with its (normalized) metadata, which may be null. */
    public void add(int slot, Map<String, Object> metadata) {
        lock.writeLock().lock();
        try {
            if (inBase(slot)) {
                dirty.add(slot);
            }
            live.add(slot);
            index(slot, metadata);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes a slot; {@code metadata} must be what it was indexed with. */
    public void remove(int slot, Map<String, Object> metadata) {
        lock.writeLock().lock();
        try {
            live.remove(slot);
            if (inBase(slot)) {
                dirty.add(slot);
            } else {
                unindex(slot, metadata);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Replaces a live slot's metadata (upsert, update). */
    public void replace(int slot, Map<String, Object> oldMetadata, Map<String, Object> newMetadata) {
        lock.writeLock().lock();
        try {
            if (inBase(slot)) {
                dirty.add(slot);
            } else {
                unindex(slot, oldMetadata);
            }
            live.add(slot);
            index(slot, newMetadata);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public long liveCount() {
        lock.readLock().lock();
        try {
            return live.getLongCardinality();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the live set. */
    public RoaringBitmap liveSlots() {
        lock.readLock().lock();
        try {
            return live.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void index(int slot, Map<String, Object> metadata) {
        if (metadata == null) {
            return;
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            HeapFieldPostings fi = fields.computeIfAbsent(e.getKey(), k -> new HeapFieldPostings());
            fi.present.add(slot);
            Object v = e.getValue();
            if (!JsonValues.isScalar(v)) {
                fi.nonScalar.add(slot);
                continue;
            }
            fi.add(keyOf(v), slot);
        }
    }

    private void unindex(int slot, Map<String, Object> metadata) {
        if (metadata == null) {
            return;
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            HeapFieldPostings fi = fields.get(e.getKey());
            if (fi == null) {
                continue;
            }
            fi.present.remove(slot);
            Object v = e.getValue();
            if (!JsonValues.isScalar(v)) {
                fi.nonScalar.remove(slot);
            } else {
                fi.remove(keyOf(v), slot); // prunes emptied values, so value maps do not grow with churn
            }
            if (fi.isEmpty()) {
                fields.remove(e.getKey());
            }
        }
    }

    private static Object keyOf(Object scalar) {
        return switch (scalar) {
            case null -> NullKey.NULL;
            case Number n -> NumericKey.of(n);
            default -> scalar; // String, Boolean
        };
    }

    /** The candidates for a filter; see {@link Resolution}. */
    public Resolution resolve(Filter filter) {
        lock.readLock().lock();
        try {
            return resolveLocked(filter);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The exact set of live slots matching the filter: resolved through the index, then, where the index could only
     * narrow, checked against each candidate's metadata.
     *
     * @param metadata a slot's normalized metadata (null for none); called only for candidates of inexact parts
     */
    public RoaringBitmap matching(Filter filter, IntFunction<Map<String, Object>> metadata) {
        Resolution r = resolve(filter);
        if (r.exact()) {
            return r.candidates();
        }
        RoaringBitmap out = new RoaringBitmap();
        PeekableIntIterator it = r.candidates().getIntIterator();
        while (it.hasNext()) {
            int slot = it.next();
            if (FilterEvaluator.matches(filter, metadata.apply(slot))) {
                out.add(slot);
            }
        }
        return out;
    }

    /**
     * As {@link #matching(Filter, IntFunction)}, checking inexact candidates on their stored bytes
     * ({@link EncodedMatcher}: only the fields the filter names are decoded).
     *
     * @param encoded a slot's stored metadata bytes (null for none)
     */
    public RoaringBitmap matchingEncoded(Filter filter, IntFunction<byte[]> encoded) {
        Resolution r = resolve(filter);
        if (r.exact()) {
            return r.candidates();
        }
        EncodedMatcher matcher = new EncodedMatcher(filter);
        RoaringBitmap out = new RoaringBitmap();
        PeekableIntIterator it = r.candidates().getIntIterator();
        while (it.hasNext()) {
            int slot = it.next();
            if (matcher.matches(encoded.apply(slot))) {
                out.add(slot);
            }
        }
        return out;
    }

    /** The exact number of live slots matching the filter (departure 2: never an over-count). */
    public long count(Filter filter, IntFunction<Map<String, Object>> metadata) {
        Resolution r = resolve(filter);
        if (r.exact()) {
            return r.candidates().getLongCardinality();
        }
        long n = 0;
        PeekableIntIterator it = r.candidates().getIntIterator();
        while (it.hasNext()) {
            if (FilterEvaluator.matches(filter, metadata.apply(it.next()))) {
                n++;
            }
        }
        return n;
    }

    private Resolution resolveLocked(Filter filter) {
        return switch (filter) {
            case Filter.All all -> exact(live.clone());
            case Filter.Eq(String f, Object v) -> valueSet(f, List.of(v == null ? NullKey.NULL : v));
            case Filter.In(String f, List<Object> vs) -> valueSet(f, vs);
            case Filter.Ne(String f, Object v) -> complement(valueSet(f, List.of(v == null ? NullKey.NULL : v)));
            case Filter.Nin(String f, List<Object> vs) -> complement(valueSet(f, vs));
            case Filter.Range(String f, Filter.Op op, double bound) -> exact(range(f, op, bound));
            case Filter.Exists(String f, boolean exists) -> {
                RoaringBitmap present = present(f);
                yield exact(exists ? present : RoaringBitmap.andNot(live, present));
            }
            case Filter.And(List<Filter> children) -> {
                if (children.isEmpty()) {
                    yield exact(live.clone());
                }
                RoaringBitmap acc = null;
                boolean allExact = true;
                for (Filter c : children) {
                    Resolution r = resolveLocked(c);
                    allExact &= r.exact();
                    if (acc == null) {
                        acc = r.candidates();
                    } else {
                        acc.and(r.candidates());
                    }
                    if (acc.isEmpty()) {
                        yield exact(acc); // nothing can match: an empty superset is exact
                    }
                }
                yield new Resolution(acc, allExact);
            }
            case Filter.Or(List<Filter> children) -> {
                RoaringBitmap acc = new RoaringBitmap();
                boolean allExact = true;
                for (Filter c : children) {
                    Resolution r = resolveLocked(c);
                    allExact &= r.exact();
                    acc.or(r.candidates());
                }
                yield new Resolution(acc, allExact);
            }
            case Filter.Not(Filter child) -> complement(resolveLocked(child));
        };
    }

    private static Resolution exact(RoaringBitmap bm) {
        return new Resolution(bm, true);
    }

    /**
     * Slots whose field equals one of the values. Arrays and objects are not keyed, so a value of that kind widens
     * the answer to every slot holding an array or object in the field (inexact).
     */
    private Resolution valueSet(String field, List<?> values) {
        HeapFieldPostings fi = fields.get(field);
        MappedPostings.FieldDir fd = base == null ? null : base.field(field);
        if (fi == null && fd == null) {
            return exact(new RoaringBitmap());
        }
        List<Object> parts = new ArrayList<>(values.size());
        List<Object> baseParts = new ArrayList<>();
        boolean exact = true;
        for (Object v : values) {
            if (v == NullKey.NULL || JsonValues.isScalar(v)) {
                Object key = v == NullKey.NULL ? v : keyOf(v);
                if (fi != null) {
                    parts.add(fi.byValue.get(key));
                }
                if (fd != null) {
                    baseParts.add(base.posting(fd, key));
                }
            } else if (exact) {
                exact = false;
                parts.add(nonScalar(field));
            }
        }
        RoaringBitmap union = parts.size() == 1 ? HeapFieldPostings.copyOf(parts.getFirst())
                                                : HeapFieldPostings.union(parts);
        if (!baseParts.isEmpty()) {
            RoaringBitmap fromBase = HeapFieldPostings.union(baseParts);
            fromBase.andNot(dirty);
            union.or(fromBase);
        }
        return new Resolution(union, exact);
    }

    /** Slots where the field is present, both layers. */
    RoaringBitmap present(String field) {
        HeapFieldPostings fi = fields.get(field);
        RoaringBitmap out = fi == null ? new RoaringBitmap() : fi.present.clone();
        MappedPostings.FieldDir fd = base == null ? null : base.field(field);
        if (fd != null) {
            RoaringBitmap b = base.bitmapAt(fd.presentRef());
            b.andNot(dirty);
            out.or(b);
        }
        return out;
    }

    /** Slots where the field holds an array or object, both layers. */
    RoaringBitmap nonScalar(String field) {
        HeapFieldPostings fi = fields.get(field);
        RoaringBitmap out = fi == null ? new RoaringBitmap() : fi.nonScalar.clone();
        MappedPostings.FieldDir fd = base == null ? null : base.field(field);
        if (fd != null) {
            RoaringBitmap b = base.bitmapAt(fd.nonScalarRef());
            b.andNot(dirty);
            out.or(b);
        }
        return out;
    }

    /** Live slots not in an exact set; for an inexact set all live slots, inexact (the complement of a superset is not a superset). */
    private Resolution complement(Resolution r) {
        if (!r.exact()) {
            return new Resolution(live.clone(), false);
        }
        return exact(RoaringBitmap.andNot(live, r.candidates()));
    }

    private RoaringBitmap range(String field, Filter.Op op, double bound) {
        boolean all = false;
        boolean none = false;
        if (Double.isInfinite(bound)) {
            all = bound > 0 ? (op == Filter.Op.LT || op == Filter.Op.LTE) : (op == Filter.Op.GT || op == Filter.Op.GTE);
            none = !all;
        }
        if (none) {
            return new RoaringBitmap();
        }
        NumericKey b = all ? null : NumericKey.ofDouble(bound);
        RoaringBitmap out = new RoaringBitmap();
        HeapFieldPostings fi = fields.get(field);
        if (fi != null && !fi.numbers.isEmpty()) {
            NavigableSet<NumericKey> keys = all ? fi.numbers : switch (op) {
                case GT -> fi.numbers.tailSet(b, false);
                case GTE -> fi.numbers.tailSet(b, true);
                case LT -> fi.numbers.headSet(b, false);
                case LTE -> fi.numbers.headSet(b, true);
            };
            List<Object> postings = new ArrayList<>(keys.size());
            for (NumericKey k : keys) {
                postings.add(fi.byValue.get(k));
            }
            out = HeapFieldPostings.union(postings);
        }
        MappedPostings.FieldDir fd = base == null ? null : base.field(field);
        if (fd != null && fd.numberCount() > 0) {
            int from = 0;
            int to = fd.numberCount();
            if (!all) {
                switch (op) {
                    case GT -> from = base.lowerBound(fd, b, false);
                    case GTE -> from = base.lowerBound(fd, b, true);
                    case LT -> to = base.lowerBound(fd, b, true);
                    case LTE -> to = base.lowerBound(fd, b, false);
                }
            }
            List<Object> postings = new ArrayList<>(Math.max(0, to - from));
            base.numberPostings(fd, from, to, postings);
            RoaringBitmap fromBase = HeapFieldPostings.union(postings);
            fromBase.andNot(dirty);
            out.or(fromBase);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Persistence

    /** Format version of {@link #writeTo}; bump when the layout changes. */
    public static final int FORMAT_VERSION = 2;

    /**
     * Writes both layers merged into one file ({@link IndexFileWriter} documents the layout). Equal contents write
     * equal bytes, whether they came from a file layer, the heap, or both.
     */
    public void writeTo(OutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            new IndexFileWriter(this).write(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    // Package-private views for IndexFileWriter, called under the read lock.

    RoaringBitmap liveView() {
        return live;
    }

    Map<String, HeapFieldPostings> heapFields() {
        return fields;
    }

    MappedPostings base() {
        return base;
    }

    RoaringBitmap dirty() {
        return dirty;
    }

    /**
     * Opens an index over a file written by {@link #writeTo}: checksum, then the field directory; values and postings
     * stay in the segment until a query reads them. Writes go to the heap layer on top.
     *
     * @param source names the file in error messages
     * @throws dev.quiver.CorruptDataException when the bytes fail any check
     */
    public static InvertedIndex readFrom(MemorySegment segment, String source) {
        return new InvertedIndex(MappedPostings.open(segment, source, IndexFileWriter.MAGIC, FORMAT_VERSION));
    }

    /** Builds an index from every live slot's metadata (the alternative to {@link #readFrom}). */
    public static InvertedIndex rebuild(RoaringBitmap liveSlots, IntFunction<Map<String, Object>> metadata) {
        InvertedIndex index = new InvertedIndex();
        index.live.or(liveSlots);
        PeekableIntIterator it = liveSlots.getIntIterator();
        while (it.hasNext()) {
            int slot = it.next();
            index.index(slot, metadata.apply(slot));
        }
        return index;
    }
}
