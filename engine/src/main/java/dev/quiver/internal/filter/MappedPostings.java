package dev.quiver.internal.filter;

import dev.quiver.internal.meta.BinaryReader;
import dev.quiver.internal.meta.NumericKey;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only part of an {@link InvertedIndex} served from its file (usually mapped): value dictionaries are
 * binary-searched in place and only the postings a query touches are copied out, so opening costs a checksum pass
 * and the field directory, not a load of every value. The layout is documented at {@link InvertedIndex#writeTo}.
 */
final class MappedPostings {

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Bytes per string-table entry: keyOffset int64, keyLength int32, posting ref (int64, int32). */
    static final int STRING_ENTRY_BYTES = 24;
    /** Bytes per number-table entry: kind byte, payload int64, textLength int32, posting ref (int64, int32). */
    static final int NUMBER_ENTRY_BYTES = 25;
    /** Bytes per posting reference: int64 offset (or the slot), int32 length (0: one slot, -1: none). */
    static final int REF_BYTES = 12;

    static final byte KIND_LONG = 0;
    static final byte KIND_DOUBLE = 1;
    static final byte KIND_DECIMAL = 2;

    /** Where one field's parts are in the file. */
    record FieldDir(String name, long presentRef, long nonScalarRef, long nullRef, long falseRef, long trueRef,
                    int stringCount, long stringTable, int numberCount, long numberTable) {
    }

    private final MemorySegment file;
    private final String source;
    private final Map<String, FieldDir> fields;
    private final long liveRef;

    private MappedPostings(MemorySegment file, String source, Map<String, FieldDir> fields, long liveRef) {
        this.file = file;
        this.source = source;
        this.fields = fields;
        this.liveRef = liveRef;
    }

    /**
     * Opens the file: checksum, header, trailer and field directory; every reference is bounds-checked before use.
     */
    static MappedPostings open(MemorySegment file, String source, byte[] magic, int version) {
        BinaryReader.verifyChecksum(file, source);
        long body = file.byteSize() - 4;
        BinaryReader r = new BinaryReader(file.asSlice(0, body), source);
        r.expectMagic(magic, version);
        if (body < 12 + 8) {
            throw r.corrupt("truncated");
        }
        r.seek(body - 8);
        long dirOffset = r.readLong();
        if (dirOffset < 12 || dirOffset > body - 8) {
            throw r.corrupt("bad directory offset " + dirOffset);
        }
        r.seek(dirOffset);
        MappedPostings probe = new MappedPostings(file.asSlice(0, body), source, Map.of(), 0);
        long liveRef = r.position();
        probe.checkRef(liveRef);
        r.seek(liveRef + REF_BYTES);
        int fieldCount = r.readLength("field count", (body - r.position()) / 4);
        Map<String, FieldDir> fields = HashMap.newHashMap(fieldCount);
        for (int i = 0; i < fieldCount; i++) {
            long nameOff = r.readLong();
            int nameLen = r.readLength("field name length", body);
            probe.checkRange(nameOff, nameLen);
            String name = new String(probe.file.asSlice(nameOff, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            long[] refs = new long[5];
            for (int j = 0; j < 5; j++) {
                refs[j] = r.position();
                probe.checkRef(refs[j]);
                r.seek(r.position() + REF_BYTES);
            }
            int stringCount = r.readLength("string count", body / STRING_ENTRY_BYTES);
            long stringTable = r.readLong();
            probe.checkRange(stringTable, (long) stringCount * STRING_ENTRY_BYTES);
            int numberCount = r.readLength("number count", body / NUMBER_ENTRY_BYTES);
            long numberTable = r.readLong();
            probe.checkRange(numberTable, (long) numberCount * NUMBER_ENTRY_BYTES);
            if (fields.put(name, new FieldDir(name, refs[0], refs[1], refs[2], refs[3], refs[4],
                    stringCount, stringTable, numberCount, numberTable)) != null) {
                throw r.corrupt("field '" + name + "' listed twice");
            }
        }
        if (r.position() != body - 8) {
            throw r.corrupt("directory does not end at the trailer");
        }
        return new MappedPostings(probe.file, source, fields, liveRef);
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > file.byteSize()) {
            throw corrupt("reference out of bounds: offset " + offset + ", length " + length);
        }
    }

    private void checkRef(long refAt) {
        checkRange(refAt, REF_BYTES);
        long off = file.get(LONG, refAt);
        int len = file.get(INT, refAt + 8);
        if (len > 0) {
            checkRange(off, len);
        } else if (len < -1 || (len == 0 && (off < 0 || off > Integer.MAX_VALUE))) {
            throw corrupt("bad posting reference at " + refAt);
        }
    }

    private dev.quiver.CorruptDataException corrupt(String what) {
        return new dev.quiver.CorruptDataException("corrupt data: " + source + ": " + what);
    }

    Map<String, FieldDir> fields() {
        return fields;
    }

    FieldDir field(String name) {
        return fields.get(name);
    }

    RoaringBitmap live() {
        return bitmapAt(liveRef);
    }

    /** The posting a reference points at, as a new bitmap (empty for none). */
    RoaringBitmap bitmapAt(long refAt) {
        long off = file.get(LONG, refAt);
        int len = file.get(INT, refAt + 8);
        if (len == -1) {
            return new RoaringBitmap();
        }
        if (len == 0) {
            if (off < 0 || off > Integer.MAX_VALUE) {
                throw corrupt("bad slot " + off + " in posting reference at " + refAt);
            }
            return RoaringBitmap.bitmapOf((int) off);
        }
        checkRange(off, len);
        RoaringBitmap bm = new RoaringBitmap();
        try {
            bm.deserialize(file.asSlice(off, len).asByteBuffer());
        } catch (IOException | RuntimeException e) {
            throw corrupt("bad bitmap at offset " + off + ": " + e.getMessage());
        }
        return bm;
    }

    /** The posting of one scalar key ({@code InvertedIndex}'s key forms), or null when the value is absent. */
    RoaringBitmap posting(FieldDir f, Object key) {
        long ref = switch (key) {
            case String s -> findString(f, s.getBytes(StandardCharsets.UTF_8));
            case NumericKey nk -> findNumber(f, nk);
            case Boolean b -> b ? f.trueRef() : f.falseRef();
            default -> f.nullRef();
        };
        return ref < 0 ? null : bitmapAt(ref);
    }

    private long findString(FieldDir f, byte[] key) {
        MemorySegment k = MemorySegment.ofArray(key);
        int lo = 0;
        int hi = f.stringCount() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long entry = f.stringTable() + (long) mid * STRING_ENTRY_BYTES;
            int c = compareStored(entry, k);
            if (c == 0) {
                return entry + 12;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** Unsigned byte order of the stored key against {@code k} (UTF-8 byte order is code point order). */
    private int compareStored(long entry, MemorySegment k) {
        long off = file.get(LONG, entry);
        int len = file.get(INT, entry + 8);
        checkRange(off, len);
        long m = MemorySegment.mismatch(file, off, off + len, k, 0, k.byteSize());
        if (m < 0) {
            return 0;
        }
        if (m == len) {
            return -1;
        }
        if (m == k.byteSize()) {
            return 1;
        }
        return Integer.compare(file.get(ValueLayout.JAVA_BYTE, off + m) & 0xff, k.get(ValueLayout.JAVA_BYTE, m) & 0xff);
    }

    NumericKey numberAt(FieldDir f, int i) {
        long entry = f.numberTable() + (long) i * NUMBER_ENTRY_BYTES;
        byte kind = file.get(ValueLayout.JAVA_BYTE, entry);
        long payload = file.get(LONG, entry + 1);
        return switch (kind) {
            case KIND_LONG -> NumericKey.ofLong(payload);
            case KIND_DOUBLE -> {
                double d = Double.longBitsToDouble(payload);
                if (!Double.isFinite(d)) {
                    throw corrupt("non-finite number key in field '" + f.name() + "'");
                }
                yield NumericKey.ofDouble(d);
            }
            case KIND_DECIMAL -> {
                int len = file.get(INT, entry + 9);
                checkRange(payload, len);
                String text = new String(file.asSlice(payload, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
                try {
                    yield NumericKey.of(new BigDecimal(text));
                } catch (NumberFormatException e) {
                    throw corrupt("bad decimal key '" + text + "' in field '" + f.name() + "'");
                }
            }
            default -> throw corrupt("unknown number kind " + kind + " in field '" + f.name() + "'");
        };
    }

    long numberPostingRef(FieldDir f, int i) {
        return f.numberTable() + (long) i * NUMBER_ENTRY_BYTES + 13;
    }

    private long findNumber(FieldDir f, NumericKey key) {
        int i = lowerBound(f, key, true);
        return i < f.numberCount() && numberAt(f, i).equals(key) ? numberPostingRef(f, i) : -1;
    }

    /** First index whose key is {@code >= key} (inclusive) or {@code > key} (exclusive). */
    int lowerBound(FieldDir f, NumericKey key, boolean inclusive) {
        int lo = 0;
        int hi = f.numberCount();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = numberAt(f, mid).compareTo(key);
            if (c < 0 || (!inclusive && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Adds the postings of number entries [from, to) to {@code out}. */
    void numberPostings(FieldDir f, int from, int to, List<Object> out) {
        for (int i = from; i < to; i++) {
            long ref = numberPostingRef(f, i);
            out.add(bitmapAt(ref));
        }
    }

    /** The i-th string key (keys are in UTF-8 byte order, which is code point order). */
    String stringAt(FieldDir f, int i) {
        long entry = f.stringTable() + (long) i * STRING_ENTRY_BYTES;
        long off = file.get(LONG, entry);
        int len = file.get(INT, entry + 8);
        checkRange(off, len);
        return new String(file.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    long stringPostingRef(FieldDir f, int i) {
        return f.stringTable() + (long) i * STRING_ENTRY_BYTES + 12;
    }
}
