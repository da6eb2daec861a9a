package dev.quiver.internal.hnsw;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Structural checks of a built graph (reads the package-private layers of an index). */
final class GraphInvariants {

    private GraphInvariants() {
    }

    static GraphLayers layers(HnswIndex index) {
        return (GraphLayers) field(index, "layers");
    }

    static int entrySlot(HnswIndex index) {
        return EntryPoint.slot(((EntryPoint) field(index, "entry")).get());
    }

    /** A private field of the index (its parts, for tests that look inside). */
    static Object field(HnswIndex index, String name) {
        try {
            Field f = HnswIndex.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(index);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] code(HnswIndex index, int slot) {
        QuantizationLifecycle.Lease lease = ((QuantizationLifecycle) field(index, "quant")).acquire();
        try {
            dev.quiver.internal.quant.Sq8Codes q = lease.codes();
            byte[] out = new byte[index.config().dim()];
            java.lang.foreign.MemorySegment.copy(q.chunk(slot), java.lang.foreign.ValueLayout.JAVA_BYTE,
                    q.offset(slot), out, 0, out.length);
            return out;
        } finally {
            lease.release();
        }
    }

    static int[] layer0(HnswIndex index, int slot) {
        GraphLayers layers = layers(index);
        int[] buf = new int[layers.maxDegree(0)];
        int n = layers.readNeighbors(slot, 0, buf);
        return java.util.Arrays.copyOf(buf, n);
    }

    static int[][] allLayer0(HnswIndex index) {
        int[][] out = new int[index.totalSlots()][];
        for (int s = 0; s < out.length; s++) {
            out[s] = layer0(index, s);
        }
        return out;
    }

    /** No self-loops, no duplicate entries, every entry a valid slot, degrees within bounds. */
    static void check(HnswIndex index, String ctx) {
        GraphLayers layers = layers(index);
        int total = index.totalSlots();
        int[] buf = new int[layers.maxDegree(0)];
        for (int s = 0; s < total; s++) {
            for (int l = 0; l <= layers.level(s); l++) {
                int n = layers.readNeighbors(s, l, buf);
                assertTrue(n <= layers.maxDegree(l), ctx + ": degree " + n + " at " + s);
                for (int i = 0; i < n; i++) {
                    if (buf[i] == s) {
                        fail(ctx + ": self-loop at slot " + s + " level " + l);
                    }
                    if (buf[i] < 0 || buf[i] >= total) {
                        fail(ctx + ": slot " + s + " links to " + buf[i]);
                    }
                    if (layers.level(buf[i]) < l) {
                        fail(ctx + ": slot " + s + " links on level " + l + " to " + buf[i] + " of level "
                                + layers.level(buf[i]));
                    }
                    for (int j = 0; j < i; j++) {
                        if (buf[j] == buf[i]) {
                            fail(ctx + ": duplicate neighbour " + buf[i] + " at slot " + s);
                        }
                    }
                }
            }
        }
    }
}
