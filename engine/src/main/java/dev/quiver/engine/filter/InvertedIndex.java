package dev.quiver.engine.filter;

import dev.quiver.Filter;
import dev.quiver.engine.meta.BinaryReader;
import dev.quiver.engine.meta.BinaryWriter;
import dev.quiver.engine.meta.JsonValues;
import dev.quiver.engine.meta.NumericKey;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
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
 * <p>Thread-safety: any number of concurrent readers, writers exclusive (a read-write lock inside). Results are
 * fresh bitmaps, never views of the index.
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
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Indexes a new live slot with its (normalized) metadata, which may be null. */
    public void add(int slot, Map<String, Object> metadata) {
        lock.writeLock().lock();
        try {
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
            unindex(slot, metadata);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Replaces a live slot's metadata (upsert, update). */
    public void replace(int slot, Map<String, Object> oldMetadata, Map<String, Object> newMetadata) {
        lock.writeLock().lock();
        try {
            unindex(slot, oldMetadata);
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
                FieldIndex fi = fields.get(f);
                RoaringBitmap present = fi == null ? new RoaringBitmap() : fi.present.clone();
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
        if (fi == null) {
            return exact(new RoaringBitmap());
        }
        List<Object> parts = new ArrayList<>(values.size());
        boolean exact = true;
        for (Object v : values) {
            if (v == NullKey.NULL || JsonValues.isScalar(v)) {
                parts.add(fi.byValue.get(v == NullKey.NULL ? v : keyOf(v)));
            } else if (exact) {
                exact = false;
                parts.add(fi.nonScalar);
            }
        }
        RoaringBitmap union = parts.size() == 1 ? copyOf(parts.getFirst()) : union(parts);
        return new Resolution(union, exact);
    }

    /** Live slots not in an exact set; for an inexact set all live slots, inexact (the complement of a superset is not a superset). */
    private Resolution complement(Resolution r) {
        if (!r.exact()) {
            return new Resolution(live.clone(), false);
        }
        return exact(RoaringBitmap.andNot(live, r.candidates()));
    }

    private RoaringBitmap range(String field, Filter.Op op, double bound) {
        FieldIndex fi = fields.get(field);
        if (fi == null || fi.numbers.isEmpty()) {
            return new RoaringBitmap();
        }
        NavigableSet<NumericKey> keys;
        if (Double.isInfinite(bound)) {
            boolean everything = bound > 0 ? (op == Filter.Op.LT || op == Filter.Op.LTE)
                                           : (op == Filter.Op.GT || op == Filter.Op.GTE);
            keys = everything ? fi.numbers : new TreeSet<>();
        } else {
            NumericKey b = NumericKey.ofDouble(bound);
            keys = switch (op) {
                case GT -> fi.numbers.tailSet(b, false);
                case GTE -> fi.numbers.tailSet(b, true);
                case LT -> fi.numbers.headSet(b, false);
                case LTE -> fi.numbers.headSet(b, true);
            };
        }
        List<Object> postings = new ArrayList<>(keys.size());
        for (NumericKey k : keys) {
            postings.add(fi.byValue.get(k));
        }
        return union(postings);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Persistence

    /** File magic: ASCII "QVINVIDX". */
    private static final byte[] MAGIC = "QVINVIDX".getBytes(StandardCharsets.US_ASCII);
    /** Format version of {@link #writeTo}; bump when the layout changes. */
    public static final int FORMAT_VERSION = 1;

    private static final byte TAG_NULL = 0;
    private static final byte TAG_FALSE = 1;
    private static final byte TAG_TRUE = 2;
    private static final byte TAG_STRING = 3;
    private static final byte TAG_LONG = 4;
    private static final byte TAG_DOUBLE = 5;
    private static final byte TAG_DECIMAL = 6;

    /**
     * Writes the index. Layout (little-endian; a "bitmap" is int32 byte length + RoaringBitmap's portable
     * serialization; a "string" is int32 byte length + UTF-8):
     * <pre>
     *   magic      8 bytes  "QVINVIDX"
     *   version    int32    {@value #FORMAT_VERSION}
     *   live       bitmap   live slots
     *   fieldCount int32
     *   fieldCount times:
     *     name       string
     *     present    bitmap   slots where the field exists
     *     nonScalar  bitmap   slots where it holds an array or object
     *     valueCount int32
     *     valueCount times:
     *       tag      byte     0 null, 1 false, 2 true, 3 string, 4 int64, 5 float64, 6 decimal
     *       payload           string for 3 and 6 (decimal as text), int64 for 4, float64 bits (int64) for 5, none else
     *       slots    bitmap
     *   crc32c     int32    of every byte above
     * </pre>
     * Fields and values are written in sorted order, so equal indexes write equal bytes.
     */
    public void writeTo(OutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            BinaryWriter w = new BinaryWriter(out);
            w.writeBytes(MAGIC);
            w.writeInt(FORMAT_VERSION);
            writeBitmap(w, live);
            List<String> names = new ArrayList<>(fields.keySet());
            names.sort(JsonValues.KEY_ORDER);
            w.writeInt(names.size());
            for (String name : names) {
                FieldIndex fi = fields.get(name);
                w.writeString(name);
                writeBitmap(w, fi.present);
                writeBitmap(w, fi.nonScalar);
                w.writeInt(fi.byValue.size());
                // Deterministic order: null, false, true, strings sorted, then numbers ascending.
                for (Object key : new Object[] {NullKey.NULL, Boolean.FALSE, Boolean.TRUE}) {
                    Object posting = fi.byValue.get(key);
                    if (posting != null) {
                        w.writeByte(key == NullKey.NULL ? TAG_NULL : key == Boolean.FALSE ? TAG_FALSE : TAG_TRUE);
                        writeBitmap(w, posting);
                    }
                }
                List<String> strings = new ArrayList<>();
                for (Object key : fi.byValue.keySet()) {
                    if (key instanceof String s) {
                        strings.add(s);
                    }
                }
                strings.sort(JsonValues.KEY_ORDER);
                for (String s : strings) {
                    w.writeByte(TAG_STRING);
                    w.writeString(s);
                    writeBitmap(w, fi.byValue.get(s));
                }
                for (NumericKey nk : fi.numbers) {
                    switch (nk.toNumber()) {
                        case Long l -> {
                            w.writeByte(TAG_LONG);
                            w.writeLong(l);
                        }
                        case Double d -> {
                            w.writeByte(TAG_DOUBLE);
                            w.writeLong(Double.doubleToRawLongBits(d));
                        }
                        default -> {
                            w.writeByte(TAG_DECIMAL);
                            w.writeString(nk.toNumber().toString());
                        }
                    }
                    writeBitmap(w, fi.byValue.get(nk));
                }
            }
            w.writeChecksum();
            w.flush();
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void writeBitmap(BinaryWriter w, Object posting) throws IOException {
        RoaringBitmap bm = posting instanceof Integer single ? RoaringBitmap.bitmapOf(single) : (RoaringBitmap) posting;
        int size = bm.serializedSizeInBytes();
        ByteBuffer buf = ByteBuffer.allocate(size);
        bm.serialize(buf);
        w.writeInt(size);
        w.writeBytes(buf.array(), 0, size);
    }

    /**
     * Reads an index written by {@link #writeTo}, checksum first. Costs a copy of the bitmaps onto the heap, no JSON
     * decoding; see the benchmarks for its time against {@link #rebuild}.
     *
     * @param source names the file in error messages
     * @throws dev.quiver.CorruptDataException when the bytes fail any check
     */
    public static InvertedIndex readFrom(MemorySegment segment, String source) {
        BinaryReader.verifyChecksum(segment, source);
        BinaryReader r = new BinaryReader(segment.asSlice(0, segment.byteSize() - 4), source);
        r.expectMagic(MAGIC, FORMAT_VERSION);
        InvertedIndex index = new InvertedIndex();
        index.live.or(readBitmap(r));
        int fieldCount = r.readLength("field count", r.remaining());
        for (int i = 0; i < fieldCount; i++) {
            String name = r.readString();
            FieldIndex fi = new FieldIndex();
            fi.present.or(readBitmap(r));
            fi.nonScalar.or(readBitmap(r));
            int valueCount = r.readLength("value count", r.remaining());
            for (int j = 0; j < valueCount; j++) {
                byte tag = r.readByte();
                Object key = switch (tag) {
                    case TAG_NULL -> NullKey.NULL;
                    case TAG_FALSE -> Boolean.FALSE;
                    case TAG_TRUE -> Boolean.TRUE;
                    case TAG_STRING -> r.readString();
                    case TAG_LONG -> NumericKey.ofLong(r.readLong());
                    case TAG_DOUBLE -> {
                        double d = Double.longBitsToDouble(r.readLong());
                        if (!Double.isFinite(d)) {
                            throw r.corrupt("non-finite number key in field '" + name + "'");
                        }
                        yield NumericKey.ofDouble(d);
                    }
                    case TAG_DECIMAL -> {
                        String text = r.readString();
                        try {
                            yield NumericKey.of(new BigDecimal(text));
                        } catch (NumberFormatException e) {
                            throw r.corrupt("bad decimal key '" + text + "' in field '" + name + "'");
                        }
                    }
                    default -> throw r.corrupt("unknown value tag " + tag + " in field '" + name + "'");
                };
                RoaringBitmap bm = readBitmap(r);
                if (bm.isEmpty() || fi.byValue.containsKey(key)) {
                    throw r.corrupt("empty or repeated value in field '" + name + "'");
                }
                fi.byValue.put(key, bm.getCardinality() == 1 ? (Object) bm.first() : bm);
                if (key instanceof NumericKey nk) {
                    fi.numbers.add(nk);
                }
            }
            index.fields.put(name, fi);
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " unexpected trailing bytes");
        }
        return index;
    }

    private static RoaringBitmap readBitmap(BinaryReader r) {
        int size = r.readLength("bitmap length", r.remaining());
        MemorySegment bytes = r.slice(size);
        RoaringBitmap bm = new RoaringBitmap();
        try {
            bm.deserialize(bytes.asByteBuffer());
        } catch (IOException | RuntimeException e) {
            throw r.corrupt("bad bitmap at offset " + (r.position() - size) + ": " + e.getMessage());
        }
        return bm;
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
