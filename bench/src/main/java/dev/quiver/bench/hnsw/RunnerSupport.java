package dev.quiver.bench.hnsw;

import dev.quiver.SearchResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What the measurement runners of this package share: {@code name=value} options, medians, recall, scratch cleanup. */
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
}
