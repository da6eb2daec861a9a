package dev.quiver.internal.hnsw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a quantized index's graph walks score SQ8 codes, and where they stay on float32. The float32 vectors are kept
 * either way (the walk on codes re-ranks with them), so this is a choice of speed alone, and a float32 walk is exact
 * where the code walk's ranking is approximate.
 *
 * <p>Codes are a quarter of the bytes, which pays where a walk waits on memory: float32 vectors larger than the
 * last-level cache. In cache, below 384 dimensions the u8 kernel does no less work per candidate than the float32 one
 * and the walk adds the re-rank, so there the code walk was slower. SQ8 / float32 QPS per CPU second at ef 20-160
 * (HnswRunner, same graph, alternating rounds; AMD EPYC, AVX-512, 32 MiB L3; bench/results/session17.md): in cache
 * 0.84-1.02 at 128-d (bigann-10k, 5 MB), 0.81-1.02 at 128-d, 0.86-0.91 at 192-d, 0.91-0.96 at 256-d, 0.90-1.15 at
 * 320-d and 1.00-1.29 at 384-d (synthetic 10k, 5-16 MB); near the cache's size 0.93-1.04 at 128-d (synthetic 50k, 26 MB); beyond it
 * 1.03-1.11 at 100-d (45 MB) and 1.16-1.17 at 128-d (102 MB, round sixteen's harness).
 *
 * @param maxCachedFloatBytes float32 vector bytes up to which the walk counts as in cache (codes walked above it)
 * @param minCodeDim          dimension from which codes are walked even in cache
 */
public record CodeWalkRule(long maxCachedFloatBytes, int minCodeDim) {

    /** Codes walked from this dimension up even when the vectors fit in cache (measured above). */
    static final int DEFAULT_MIN_CODE_DIM = 384;
    /** The last-level cache assumed where the machine does not say (a common server L3). */
    static final long FALLBACK_CACHE_BYTES = 32L << 20;

    /** Walks codes whenever the index holds them for traversal (tests and measurements of the code walk itself). */
    public static final CodeWalkRule ALWAYS = new CodeWalkRule(-1, 0);

    /** The measured rule with this machine's last-level cache ({@link #lastLevelCacheBytes}). */
    public static final CodeWalkRule MEASURED = new CodeWalkRule(lastLevelCacheBytes(), DEFAULT_MIN_CODE_DIM);

    public CodeWalkRule {
        if (minCodeDim < 0) {
            throw new IllegalArgumentException("minCodeDim must be >= 0, got " + minCodeDim);
        }
    }

    /** Whether a walk over {@code dim}-dimensional vectors whose float32 copies take {@code floatBytes} uses codes. */
    boolean walkCodes(int dim, long floatBytes) {
        return dim >= minCodeDim || floatBytes > maxCachedFloatBytes;
    }

    /**
     * The largest data cache of CPU 0 as Linux reports it ({@code /sys/devices/system/cpu/cpu0/cache}), or
     * {@link #FALLBACK_CACHE_BYTES} where it cannot be read.
     */
    static long lastLevelCacheBytes() {
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        long largest = -1;
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            try {
                if (!Files.isDirectory(index)) {
                    continue;
                }
                String type = Files.readString(index.resolve("type")).trim();
                if (type.equals("Instruction")) {
                    continue;
                }
                largest = Math.max(largest, parseCacheSize(Files.readString(index.resolve("size"))));
            } catch (IOException | RuntimeException e) {
                // unreadable or unexpected: this entry says nothing
            }
        }
        return largest > 0 ? largest : FALLBACK_CACHE_BYTES;
    }

    /** A sysfs cache size ({@code "32768K"}, {@code "8M"}, {@code "512"}) in bytes; -1 when it is not one. */
    static long parseCacheSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.isEmpty()) {
            return -1;
        }
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(digits);
            return n > 0 && n <= (Long.MAX_VALUE / unit) ? n * unit : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
