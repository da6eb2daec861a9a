package dev.quiver.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Anonymous memory the kernel may back with 2 MiB transparent huge pages: {@code mmap(MAP_PRIVATE | MAP_ANONYMOUS)}
 * aligned to 2 MiB, then {@code madvise(MADV_HUGEPAGE)} before the first touch. A graph search reads vectors at
 * random over the whole slab; with 4 KiB pages a slab larger than the TLB's reach costs a page walk on most reads.
 * File mappings cannot use huge pages here (only anonymous and tmpfs memory can), so mapped vectors are copied into
 * such memory ({@link Slab#moveMappedToAnonymous}).
 *
 * <p>At most a quarter of physical memory is moved per process ({@code -Dquiver.hugePages.maxBytes}); larger
 * slabs keep their file mapping, which the kernel can page out.
 *
 * <p>Used only where it cannot print anything: on Linux with transparent huge pages set to {@code always} or
 * {@code madvise}, and only when native access is enabled for this module (a downcall otherwise makes the JDK warn on
 * stderr). Anything else, or a failing {@code mmap}, answers null and the caller keeps its memory as it is.
 */
// "restricted": the downcalls and reinterpret run only after isNativeAccessEnabled() said yes (SUPPORTED).
@SuppressWarnings("restricted")
final class HugePages {

    static final long HUGE_PAGE = 2L << 20;
    /**
     * Smallest slab worth moving: 8 MiB, the reach of a 2,048-entry second-level TLB with 4 KiB pages (below it the
     * page walks huge pages save are few, and a 2 MiB page would cost more memory than a small slab needs).
     * {@code -Dquiver.hugePages.minBytes} overrides it, for experiments (session12.md moved every slab with 0).
     */
    static final long MIN_BYTES = Long.getLong("quiver.hugePages.minBytes", 8L << 20);
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    /**
     * The cheap checks, made on first use by whichever thread opens a slab: native access, Linux, THP mode. The
     * downcall handles themselves ({@link Calls}) are made on first {@link #allocate}, on the background thread that
     * moves the slab, since creating them costs tens of milliseconds in a fresh JVM and the open must stay instant.
     */
    private static final boolean SUPPORTED = supported();

    /**
     * Bytes of huge-page memory this process may hold at once: copies are anonymous memory that the kernel can no
     * longer drop under pressure (the mapped file's clean pages it could), so a database larger than memory must keep
     * its mapping. Default a quarter of physical memory; {@code -Dquiver.hugePages.maxBytes} overrides it.
     */
    private static final long BUDGET = budget();
    private static final java.util.concurrent.atomic.AtomicLong HELD = new java.util.concurrent.atomic.AtomicLong();

    private HugePages() {
    }

    private static long budget() {
        String override = System.getProperty("quiver.hugePages.maxBytes");
        if (override != null) {
            try {
                return Long.parseLong(override.trim());
            } catch (NumberFormatException e) {
                return 0; // a bad setting turns the move off rather than guessing
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return kib * 1024 / 4;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unknown memory size: no budget
        }
        return 0;
    }

    /** Takes {@code bytes} of the budget; false (taking nothing) when they do not fit. */
    private static boolean reserve(long bytes) {
        while (true) {
            long held = HELD.get();
            if (held + bytes > BUDGET) {
                return false;
            }
            if (HELD.compareAndSet(held, held + bytes)) {
                return true;
            }
        }
    }

    /** Huge-page bytes held now by this process's moved slabs (tests, stats). */
    static long heldBytes() {
        return HELD.get();
    }

    /** Whether huge-page memory can be had here; {@code -Dquiver.hugePages=false} (read at each call) says no. */
    static boolean available() {
        return SUPPORTED && !"false".equals(System.getProperty("quiver.hugePages"));
    }

    private static boolean supported() {
        try {
            return HugePages.class.getModule().isNativeAccessEnabled()
                    && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                    && transparentHugePagesAdvisable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** THP is "[always]" or "[madvise]" (not "[never]", and the file exists). */
    private static boolean transparentHugePagesAdvisable() {
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A zero-filled segment of {@code bytes} at a 2 MiB boundary, advised for huge pages and unmapped when
     * {@code arena} closes; null when huge pages are not available here or the mapping fails.
     */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (!available() || bytes <= 0 || Calls.NATIVE == null) {
            return null;
        }
        Calls calls = Calls.NATIVE;
        long length = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        long mapped = length + HUGE_PAGE; // room to align the start
        if (!reserve(mapped)) {
            return null;
        }
        boolean handedOver = false;
        try {
            MemorySegment raw = (MemorySegment) calls.mmap.invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (raw.address() == -1L || raw.address() == 0L) {
                return null;
            }
            long skip = (HUGE_PAGE - raw.address() % HUGE_PAGE) % HUGE_PAGE;
            MethodHandle munmap = calls.munmap;
            long start = raw.address();
            MemorySegment region = raw.reinterpret(mapped, arena, ignored -> {
                try {
                    int unused = (int) munmap.invokeExact(MemorySegment.ofAddress(start), mapped);
                } catch (Throwable t) {
                    // Nothing useful to do at arena close: the range stays mapped until the process exits.
                } finally {
                    HELD.addAndGet(-mapped);
                }
            });
            handedOver = true; // from here the arena's close gives the budget back
            MemorySegment aligned = region.asSlice(skip, length);
            // Advice only: if it fails the region is still good memory, on small pages.
            int unused = (int) calls.madvise.invokeExact(aligned, length, MADV_HUGEPAGE);
            return aligned.asSlice(0, bytes);
        } catch (Throwable t) {
            return null;
        } finally {
            if (!handedOver) {
                HELD.addAndGet(-mapped);
            }
        }
    }

    /** The downcalls, looked up once on first use; {@link #NATIVE} is null where they cannot be made. */
    private record Calls(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
        static final Calls NATIVE = SUPPORTED ? load() : null;

        static Calls load() {
            try {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                MethodHandle mmap = linker.downcallHandle(lookup.find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG));
                MethodHandle madvise = linker.downcallHandle(lookup.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
                MethodHandle munmap = linker.downcallHandle(lookup.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                return new Calls(mmap, madvise, munmap);
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }
    }
}
