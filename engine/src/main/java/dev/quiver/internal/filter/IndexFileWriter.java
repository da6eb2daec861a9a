package dev.quiver.internal.filter;

import dev.quiver.internal.meta.BinaryWriter;
import dev.quiver.internal.meta.JsonValues;
import dev.quiver.internal.meta.NumericKey;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.TreeSet;

/**
 * Writes an {@link InvertedIndex} (both its layers, merged) as the file {@link MappedPostings} serves. One use per
 * write, under the index's read lock.
 */
final class IndexFileWriter {

    /** File magic: ASCII "QVINVIDX". */
    static final byte[] MAGIC = "QVINVIDX".getBytes(StandardCharsets.US_ASCII);

    private final InvertedIndex index;
    private final MappedPostings base;

    IndexFileWriter(InvertedIndex index) {
        this.index = index;
        this.base = index.base();
    }

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
     * Writes the index. Layout (little-endian; offsets are from the start of the file; a "posting" is
     * RoaringBitmap's portable serialization; a "ref" is int64 offset + int32 length pointing at a posting, where
     * length 0 means the offset is itself the only slot and length -1 means no slots):
     * <pre>
     *   magic      8 bytes  "QVINVIDX"
     *   version    int32    {@value InvertedIndex#FORMAT_VERSION}
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
     */
    void write(OutputStream out) throws IOException {
        BinaryWriter w = new BinaryWriter(out);
        w.writeBytes(MAGIC);
        w.writeInt(InvertedIndex.FORMAT_VERSION);
        Ref liveRef = writePosting(w, index.liveView());
        TreeSet<String> names = new TreeSet<>(JsonValues.KEY_ORDER);
        names.addAll(index.heapFields().keySet());
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
    }

    private FieldOut writeField(BinaryWriter w, String name) throws IOException {
        RoaringBitmap present = index.present(name);
        if (present.isEmpty()) {
            return null;
        }
        HeapFieldPostings fi = index.heapFields().get(name);
        MappedPostings.FieldDir fd = base == null ? null : base.field(name);
        long nameOffset = w.position();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        w.writeBytes(nameBytes);
        Ref presentRef = writePosting(w, present);
        Ref nonScalarRef = writePosting(w, index.nonScalar(name));
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
        mergeKeys(fd, fi, fd == null ? 0 : fd.stringCount(), i -> base.stringAt(fd, i), heapStrings,
                JsonValues.KEY_ORDER, (key, posting) -> {
                    byte[] kb = key.getBytes(StandardCharsets.UTF_8);
                    long keyOffset = w.position();
                    w.writeBytes(kb);
                    Ref r = writePosting(w, posting);
                    stringEntries.add(new long[] {keyOffset, kb.length, r.offset(), r.length()});
                });
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
        mergeKeys(fd, fi, fd == null ? 0 : fd.numberCount(), i -> base.numberAt(fd, i), heapNumbers,
                NumericKey::compareTo, (key, posting) -> {
                    long textOffset = 0;
                    int textLength = 0;
                    if (!(key.toNumber() instanceof Long) && !(key.toNumber() instanceof Double)) {
                        byte[] text = key.toNumber().toString().getBytes(StandardCharsets.US_ASCII);
                        textOffset = w.position();
                        textLength = text.length;
                        w.writeBytes(text);
                    }
                    numberEntries.add(new Object[] {key, textOffset, textLength, writePosting(w, posting)});
                });
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

    /** Receives each key of a merge and its current posting. */
    @FunctionalInterface
    private interface KeyWriter<K> {
        void write(K key, RoaringBitmap posting) throws IOException;
    }

    /**
     * Merges the base's {@code baseCount} sorted keys ({@code baseAt}) with the heap's sorted keys, and hands each key
     * whose merged posting is not empty to {@code out}, in key order (the order the file's tables are searched in).
     */
    private <K> void mergeKeys(MappedPostings.FieldDir fd, HeapFieldPostings fi, int baseCount, IntFunction<K> baseAt,
                               List<K> heapKeys, Comparator<? super K> order, KeyWriter<K> out) throws IOException {
        int i = 0;
        int j = 0;
        while (i < baseCount || j < heapKeys.size()) {
            K bk = i < baseCount ? baseAt.apply(i) : null;
            K hk = j < heapKeys.size() ? heapKeys.get(j) : null;
            int c = bk == null ? 1 : hk == null ? -1 : order.compare(bk, hk);
            K key = c <= 0 ? bk : hk;
            RoaringBitmap posting = merged(c <= 0 ? fd : null, c >= 0 ? fi : null, key, c <= 0 ? i : -1);
            if (c <= 0) {
                i++;
            }
            if (c >= 0) {
                j++;
            }
            if (!posting.isEmpty()) {
                out.write(key, posting);
            }
        }
    }

    /**
     * The current posting of one key: the base's (entry {@code baseIndex} of its string or number table, or looked
     * up when -1) minus dirty slots, plus the heap's.
     */
    private RoaringBitmap merged(MappedPostings.FieldDir fd, HeapFieldPostings fi, Object key, int baseIndex) {
        RoaringBitmap out = fi == null ? new RoaringBitmap() : HeapFieldPostings.copyOf(fi.byValue.get(key));
        if (fd != null) {
            RoaringBitmap b = baseIndex < 0 ? base.posting(fd, key)
                    : base.bitmapAt(key instanceof String ? base.stringPostingRef(fd, baseIndex)
                                                          : base.numberPostingRef(fd, baseIndex));
            if (b != null) {
                b.andNot(index.dirty());
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
}
