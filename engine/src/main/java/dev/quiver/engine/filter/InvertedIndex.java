package dev.quiver.engine.filter;

import dev.quiver.Filter;
import dev.quiver.engine.meta.BinaryWriter;
import dev.quiver.engine.meta.JsonValues;
import dev.quiver.engine.meta.NumericKey;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
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

    /** Stands for a JSON null in the value maps. */
    private enum NullKey { NULL }

    /** What the index holds for one field. */
    private static final class FieldIndex {
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
    }

    /** A posting as a new bitmap the caller may modify. */
    private static RoaringBitmap copyOf(Object posting) {
        return switch (posting) {
            case null -> new RoaringBitmap();
            case Integer single -> RoaringBitmap.bitmapOf(single);
            default -> ((RoaringBitmap) posting).clone();
        };
    }

    /** The union of postings, as a new bitmap. */
    private static RoaringBitmap union(Iterable<?> postings) {
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

    private final RoaringBitmap live = new RoaringBitmap();
    private final Map<String, FieldIndex> fields = new HashMap<>();
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
            FieldIndex fi = fields.computeIfAbsent(e.getKey(), k -> new FieldIndex());
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
            FieldIndex fi = fields.get(e.getKey());
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
        FieldIndex fi = fields.get(field);
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
        RoaringBitmap union = parts.size() == 1 ? copyOf(parts.getFirst()) : union(parts);
        if (!baseParts.isEmpty()) {
            RoaringBitmap fromBase = union(baseParts);
            fromBase.andNot(dirty);
            union.or(fromBase);
        }
        return new Resolution(union, exact);
    }

    /** Slots where the field is present, both layers. */
    private RoaringBitmap present(String field) {
        FieldIndex fi = fields.get(field);
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
    private RoaringBitmap nonScalar(String field) {
        FieldIndex fi = fields.get(field);
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
        FieldIndex fi = fields.get(field);
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
            out = union(postings);
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
            RoaringBitmap fromBase = union(postings);
            fromBase.andNot(dirty);
            out.or(fromBase);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Persistence

    /** File magic: ASCII "QVINVIDX". */
    private static final byte[] MAGIC = "QVINVIDX".getBytes(StandardCharsets.US_ASCII);
    /** Format version of {@link #writeTo}; bump when the layout changes. */
    public static final int FORMAT_VERSION = 2;

    /** A posting reference: offset and length in the file (length 0: {@code offset} is the one slot; -1: none). */
    private record Ref(long offset, int length) {
        static final Ref NONE = new Ref(0, -1);

        void writeTo(BinaryWriter w) throws IOException {
            w.writeLong(offset);
            w.writeInt(length);
        }
    }

    /** Where one written field's parts went, for the directory. */
    private record FieldOut(long nameOffset, int nameLength, Ref present, Ref nonScalar, Ref nul, Ref no, Ref yes,
                            int stringCount, long stringTable, int numberCount, long numberTable) {
    }

    /**
     * Writes both layers merged. Layout (little-endian; offsets are from the start of the file; a "posting" is
     * RoaringBitmap's portable serialization; a "ref" is int64 offset + int32 length pointing at a posting, where
     * length 0 means the offset is itself the only slot and length -1 means no slots):
     * <pre>
     *   magic      8 bytes  "QVINVIDX"
     *   version    int32    {@value #FORMAT_VERSION}
     *   body: postings, UTF-8 field names and string keys, decimal texts, and per field two tables:
     *     string table  stringCount x 24 bytes: keyOffset int64, keyLength int32, ref; sorted by UTF-8 bytes
     *     number table  numberCount x 25 bytes: kind byte (0 int64, 1 float64, 2 decimal), payload int64 (the
     *                   value, the float64 bits, or the decimal text's offset), textLength int32 (decimals; else 0),
     *                   ref; sorted by numeric value
     *   directory (at directoryOffset):
     *     live       ref
     *     fieldCount int32
     *     fieldCount times, sorted by name (UTF-8 bytes):
     *       nameOffset int64, nameLength int32,
     *       present ref, nonScalar ref (arrays/objects), null ref, false ref, true ref,
     *       stringCount int32, stringTable int64, numberCount int32, numberTable int64
     *   directoryOffset int64
     *   crc32c     int32    of every byte above
     * </pre>
     * Equal contents write equal bytes, whether they came from a file layer, the heap, or both.
     */
    public void writeTo(OutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            BinaryWriter w = new BinaryWriter(out);
            w.writeBytes(MAGIC);
            w.writeInt(FORMAT_VERSION);
            Ref liveRef = writePosting(w, live);
            TreeSet<String> names = new TreeSet<>(JsonValues.KEY_ORDER);
            names.addAll(fields.keySet());
            if (base != null) {
                names.addAll(base.fields().keySet());
            }
            List<FieldOut> written = new ArrayList<>(names.size());
            for (String name : names) {
                FieldOut f = writeField(w, name);
                if (f != null) {
                    written.add(f);
                }
            }
            long directory = w.position();
            liveRef.writeTo(w);
            w.writeInt(written.size());
            for (FieldOut f : written) {
                w.writeLong(f.nameOffset());
                w.writeInt(f.nameLength());
                for (Ref r : new Ref[] {f.present(), f.nonScalar(), f.nul(), f.no(), f.yes()}) {
                    r.writeTo(w);
                }
                w.writeInt(f.stringCount());
                w.writeLong(f.stringTable());
                w.writeInt(f.numberCount());
                w.writeLong(f.numberTable());
            }
            w.writeLong(directory);
            w.writeChecksum();
            w.flush();
        } finally {
            lock.readLock().unlock();
        }
    }

    private FieldOut writeField(BinaryWriter w, String name) throws IOException {
        RoaringBitmap present = present(name);
        if (present.isEmpty()) {
            return null;
        }
        FieldIndex fi = fields.get(name);
        MappedPostings.FieldDir fd = base == null ? null : base.field(name);
        long nameOffset = w.position();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        w.writeBytes(nameBytes);
        Ref presentRef = writePosting(w, present);
        Ref nonScalarRef = writePosting(w, nonScalar(name));
        Ref[] fixed = new Ref[3];
        Object[] fixedKeys = {NullKey.NULL, Boolean.FALSE, Boolean.TRUE};
        for (int i = 0; i < 3; i++) {
            fixed[i] = writePosting(w, merged(fd, fi, fixedKeys[i], -1));
        }

        // Strings: merge the base's sorted keys with the heap's, writing key text and posting as we go.
        List<String> heapStrings = new ArrayList<>();
        if (fi != null) {
            for (Object key : fi.byValue.keySet()) {
                if (key instanceof String str) {
                    heapStrings.add(str);
                }
            }
        }
        heapStrings.sort(JsonValues.KEY_ORDER);
        List<long[]> stringEntries = new ArrayList<>();
        int baseStrings = fd == null ? 0 : fd.stringCount();
        int i = 0;
        int j = 0;
        while (i < baseStrings || j < heapStrings.size()) {
            String bk = i < baseStrings ? base.stringAt(fd, i) : null;
            String hk = j < heapStrings.size() ? heapStrings.get(j) : null;
            int c = bk == null ? 1 : hk == null ? -1 : JsonValues.KEY_ORDER.compare(bk, hk);
            String key = c <= 0 ? bk : hk;
            RoaringBitmap posting = merged(c <= 0 ? fd : null, c >= 0 ? fi : null, key, c <= 0 ? i : -1);
            if (c <= 0) {
                i++;
            }
            if (c >= 0) {
                j++;
            }
            if (!posting.isEmpty()) {
                byte[] kb = key.getBytes(StandardCharsets.UTF_8);
                long keyOffset = w.position();
                w.writeBytes(kb);
                Ref r = writePosting(w, posting);
                stringEntries.add(new long[] {keyOffset, kb.length, r.offset(), r.length()});
            }
        }
        long stringTable = w.position();
        for (long[] e : stringEntries) {
            w.writeLong(e[0]);
            w.writeInt((int) e[1]);
            w.writeLong(e[2]);
            w.writeInt((int) e[3]);
        }

        // Numbers: the same merge in value order.
        List<NumericKey> heapNumbers = fi == null ? List.of() : new ArrayList<>(fi.numbers);
        List<Object[]> numberEntries = new ArrayList<>();
        int baseNumbers = fd == null ? 0 : fd.numberCount();
        i = 0;
        j = 0;
        while (i < baseNumbers || j < heapNumbers.size()) {
            NumericKey bk = i < baseNumbers ? base.numberAt(fd, i) : null;
            NumericKey hk = j < heapNumbers.size() ? heapNumbers.get(j) : null;
            int c = bk == null ? 1 : hk == null ? -1 : bk.compareTo(hk);
            NumericKey key = c <= 0 ? bk : hk;
            RoaringBitmap posting = merged(c <= 0 ? fd : null, c >= 0 ? fi : null, key, c <= 0 ? i : -1);
            if (c <= 0) {
                i++;
            }
            if (c >= 0) {
                j++;
            }
            if (!posting.isEmpty()) {
                long textOffset = 0;
                int textLength = 0;
                if (!(key.toNumber() instanceof Long) && !(key.toNumber() instanceof Double)) {
                    byte[] text = key.toNumber().toString().getBytes(StandardCharsets.US_ASCII);
                    textOffset = w.position();
                    textLength = text.length;
                    w.writeBytes(text);
                }
                numberEntries.add(new Object[] {key, textOffset, textLength, writePosting(w, posting)});
            }
        }
        long numberTable = w.position();
        for (Object[] e : numberEntries) {
            NumericKey key = (NumericKey) e[0];
            switch (key.toNumber()) {
                case Long l -> {
                    w.writeByte(MappedPostings.KIND_LONG);
                    w.writeLong(l);
                }
                case Double d -> {
                    w.writeByte(MappedPostings.KIND_DOUBLE);
                    w.writeLong(Double.doubleToRawLongBits(d));
                }
                default -> {
                    w.writeByte(MappedPostings.KIND_DECIMAL);
                    w.writeLong((Long) e[1]);
                }
            }
            w.writeInt((Integer) e[2]);
            ((Ref) e[3]).writeTo(w);
        }
        return new FieldOut(nameOffset, nameBytes.length, presentRef, nonScalarRef, fixed[0], fixed[1], fixed[2],
                stringEntries.size(), stringTable, numberEntries.size(), numberTable);
    }

    /**
     * The current posting of one key: the base's (entry {@code baseIndex} of its string or number table, or looked
     * up when -1) minus dirty slots, plus the heap's.
     */
    private RoaringBitmap merged(MappedPostings.FieldDir fd, FieldIndex fi, Object key, int baseIndex) {
        RoaringBitmap out = fi == null ? new RoaringBitmap() : copyOf(fi.byValue.get(key));
        if (fd != null) {
            RoaringBitmap b = baseIndex < 0 ? base.posting(fd, key)
                    : base.bitmapAt(key instanceof String ? base.stringPostingRef(fd, baseIndex)
                                                          : base.numberPostingRef(fd, baseIndex));
            if (b != null) {
                b.andNot(dirty);
                out.or(b);
            }
        }
        return out;
    }

    private static Ref writePosting(BinaryWriter w, RoaringBitmap bm) throws IOException {
        int n = bm.getCardinality();
        if (n == 0) {
            return Ref.NONE;
        }
        if (n == 1) {
            return new Ref(bm.first(), 0);
        }
        long offset = w.position();
        RoaringBitmap copy = bm.clone();
        copy.runOptimize(); // dense ranges (live, present) shrink to run containers
        int size = copy.serializedSizeInBytes();
        ByteBuffer buf = ByteBuffer.allocate(size);
        copy.serialize(buf);
        w.writeBytes(buf.array(), 0, size);
        return new Ref(offset, size);
    }

    /**
     * Opens an index over a file written by {@link #writeTo}: checksum, then the field directory; values and postings
     * stay in the segment until a query reads them. Writes go to the heap layer on top.
     *
     * @param source names the file in error messages
     * @throws dev.quiver.CorruptDataException when the bytes fail any check
     */
    public static InvertedIndex readFrom(MemorySegment segment, String source) {
        return new InvertedIndex(MappedPostings.open(segment, source, MAGIC, FORMAT_VERSION));
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
