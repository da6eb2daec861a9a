package dev.quiver.bench.meta;

import dev.quiver.internal.filter.InvertedIndex;
import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataCodec;
import dev.quiver.internal.meta.MetadataStore;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Heap bytes per record of the id map, the metadata store and the inverted index, each built on the heap (the
 * state before a first save; after a reopen the id map and store live in mapped files instead). Same records as
 * {@link MetadataOpenBench}, plus a variant without the unique {@code title} field.
 *
 * <pre>
 * java -Xmx4g -cp bench/target/benchmarks.jar dev.quiver.bench.meta.MetadataFootprint 1000000
 * </pre>
 */
public final class MetadataFootprint {

    private MetadataFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<Map<String, Object>> metadata = new ArrayList<>(n);
        List<Map<String, Object>> noTitle = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> md = new LinkedHashMap<>();
            md.put("category", "c" + (i % 20));
            md.put("score", (i % 1000) / 10.0);
            md.put("year", 1990 + i % 35);
            noTitle.add(MetadataCodec.validate(md));
            md.put("title", "title " + i);
            metadata.add(MetadataCodec.validate(md));
        }
        report(n, "IdMap (heap overlay, ids doc-<i>)", () -> {
            IdMap ids = new IdMap();
            for (int i = 0; i < n; i++) {
                ids.put("doc-" + i, i);
            }
            return ids;
        });
        report(n, "MetadataStore (heap overlay)", () -> {
            MetadataStore s = new MetadataStore();
            for (int i = 0; i < n; i++) {
                s.putMetadata(i, metadata.get(i));
            }
            return s;
        });
        report(n, "InvertedIndex, 4 fields incl. unique title", () -> {
            InvertedIndex idx = new InvertedIndex();
            for (int i = 0; i < n; i++) {
                idx.add(i, metadata.get(i));
            }
            return idx;
        });
        report(n, "InvertedIndex, 3 low-cardinality fields", () -> {
            InvertedIndex idx = new InvertedIndex();
            for (int i = 0; i < n; i++) {
                idx.add(i, noTitle.get(i));
            }
            return idx;
        });
    }

    private static void report(int n, String what, Supplier<Object> build) {
        long before = usedAfterGc();
        Object built = build.get();
        long after = usedAfterGc();
        System.out.printf("%-48s %8.1f MB  %6.1f bytes/record%n", what, (after - before) / 1e6, (after - before) / (double) n);
        if (built.hashCode() == 42) {
            System.out.print(""); // keeps the structure reachable until measured
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mx.getHeapMemoryUsage().getUsed();
    }
}
