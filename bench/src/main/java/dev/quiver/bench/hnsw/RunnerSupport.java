package dev.quiver.bench.hnsw;

import dev.quiver.Database;
import dev.quiver.SearchResult;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the measurement runners of this package share: {@code name=value} options, medians, recall, scratch cleanup,
 * memory on huge pages.
 */
final class RunnerSupport {

    private RunnerSupport() {
    }

    /** The value of {@code name=value} among {@code args}, or {@code fallback}. */
    static String option(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    static int option(String[] args, String name, int fallback) {
        String value = option(args, name, (String) null);
        return value == null ? fallback : Integer.parseInt(value);
    }

    /** {@code true} or {@code false}, and nothing else: a typo must not quietly mean {@code false}. */
    static boolean strictBoolean(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + "=" + value + ": expected true or false");
        };
    }

    /** The upper median (the middle element of an odd count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Adds {@code base} to {@code db} as {@code bench/ann}'s Quiver engine does: {@code addMany} in batches of
     * {@code batch} rows, each row's id its row number.
     */
    static void addInBatches(Database db, float[][] base, int batch) {
        for (int from = 0; from < base.length; from += batch) {
            int to = Math.min(base.length, from + batch);
            List<String> ids = new ArrayList<>(to - from);
            for (int row = from; row < to; row++) {
                ids.add(Integer.toString(row));
            }
            db.addMany(ids, Arrays.copyOfRange(base, from, to));
        }
    }

    /** How many of {@code found} (ids are base row numbers) are among the first 10 rows of {@code truth}. */
    static int overlap(List<SearchResult> found, int[] truth) {
        Set<String> want = new HashSet<>();
        for (int i = 0; i < 10 && i < truth.length; i++) {
            want.add(Integer.toString(truth[i]));
        }
        int n = 0;
        for (SearchResult r : found) {
            n += want.contains(r.id()) ? 1 : 0;
        }
        return n;
    }

    /** Deletes a scratch directory and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** {@code rows} x {@code dim} components uniform in [0, 1), drawn in row order from {@code random} (vctrs's data). */
    static float[][] uniformRows(int rows, int dim, java.util.SplittableRandom random) {
        float[][] out = new float[rows][dim];
        for (float[] row : out) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) random.nextDouble();
            }
        }
        return out;
    }

    /**
     * Anonymous memory mapped on a 2 MiB boundary and advised MADV_HUGEPAGE before the first touch (as the index's
     * large slabs are), for probes that mean to measure what a search meets; never unmapped.
     */
    @SuppressWarnings("restricted") // mmap and madvise, as the storage module does
    static MemorySegment hugeAdvised(long bytes, Arena arena) {
        long huge = 2L << 20;
        long rounded = (bytes + huge - 1) / huge * huge;
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            MethodHandle madvise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT));
            MemorySegment raw = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, rounded + huge, 0x3, 0x22, -1, 0L);
            if (raw.address() == -1L) { // MAP_FAILED
                throw new IllegalStateException("mmap of " + (rounded + huge) + " bytes failed");
            }
            // Never unmapped: the probe's copies live as long as its process.
            long aligned = (raw.address() + huge - 1) / huge * huge;
            MemorySegment seg = MemorySegment.ofAddress(aligned).reinterpret(rounded, arena, null);
            int rc = (int) madvise.invokeExact(seg, rounded, 14);
            if (rc != 0) {
                System.err.println("madvise(MADV_HUGEPAGE) failed: " + rc);
            }
            return seg.asSlice(0, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap unavailable", t);
        }
    }
}
