package dev.quiver.bench.meta;

import dev.quiver.Filter;
import dev.quiver.internal.filter.InvertedIndex;
import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataCodec;
import dev.quiver.internal.meta.MetadataStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.roaringbitmap.RoaringBitmap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What reopening the id map, the metadata store and the inverted index costs, against rebuilding them, and what the
 * index answers cost. Records: ids {@code doc-<i>}, metadata {@code {category: c<i%20>, score: (i%1000)/10.0,
 * title: "title <i>", year: 1990 + i%35}}.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar MetadataOpenBench -p records=1000000
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class MetadataOpenBench {

    @Param({"1000000"})
    public int records;

    private Path dir;
    private Arena arena;
    private MemorySegment idsFile;
    private MemorySegment metaFile;
    private MemorySegment indexFile;
    private IdMap openedIds;
    private MetadataStore openedStore;
    private InvertedIndex index;
    private Map<String, Integer> heapIds;
    private RoaringBitmap live;

    private static final Filter EQ = Filter.eq("category", "c7");
    private static final Filter RANGE = Filter.and(Filter.gte("score", 10.0), Filter.lt("score", 12.0));
    private static final Filter IN_OR = Filter.or(Filter.in("category", "c1", "c2"), Filter.gt("year", 2020));
    // Equality with an array is not keyed, so its negation cannot be answered by the index: the category's 50k
    // candidates are decoded and checked one by one.
    private static final Filter INEXACT = Filter.and(Filter.eq("category", "c3"), Filter.not(Filter.eq("title", java.util.List.of("x"))));

    @Setup(Level.Trial)
    public void build() throws IOException {
        dir = Files.createTempDirectory("quiver-meta-bench");
        IdMap ids = new IdMap();
        MetadataStore store = new MetadataStore();
        InvertedIndex idx = new InvertedIndex();
        for (int i = 0; i < records; i++) {
            Map<String, Object> md = new LinkedHashMap<>();
            md.put("category", "c" + (i % 20));
            md.put("score", (i % 1000) / 10.0);
            md.put("title", "title " + i);
            md.put("year", 1990 + i % 35);
            Map<String, Object> normalized = MetadataCodec.validate(md);
            ids.put("doc-" + i, i);
            store.putMetadata(i, normalized);
            idx.add(i, normalized);
        }
        write(dir.resolve("ids.bin"), ids::writeTo);
        write(dir.resolve("metadata.bin"), store::writeTo);
        write(dir.resolve("index.bin"), idx::writeTo);
        arena = Arena.ofShared();
        idsFile = map(dir.resolve("ids.bin"));
        metaFile = map(dir.resolve("metadata.bin"));
        indexFile = map(dir.resolve("index.bin"));
        openedIds = IdMap.open(idsFile, "ids.bin");
        openedStore = MetadataStore.open(metaFile, "metadata.bin");
        index = InvertedIndex.readFrom(indexFile, "index.bin");
        live = index.liveSlots();
        heapIds = rebuildIdHashMap();
        System.out.printf("%nfiles: ids %d bytes, metadata %d bytes, index %d bytes%n",
                idsFile.byteSize(), metaFile.byteSize(), indexFile.byteSize());
    }

    private interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void write(Path p, Writer w) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16)) {
            w.writeTo(out);
        }
    }

    private MemorySegment map(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        arena.close();
        for (String f : new String[] {"ids.bin", "metadata.bin", "index.bin"}) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Files.deleteIfExists(dir);
    }

    // ---- reopening (one shot each: what an open pays)

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public IdMap openIdMap() {
        return IdMap.open(idsFile, "ids.bin");
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public MetadataStore openMetadataStore() {
        return MetadataStore.open(metaFile, "metadata.bin");
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public InvertedIndex readInvertedIndex() {
        return InvertedIndex.readFrom(indexFile, "index.bin");
    }

    /** The alternative to readInvertedIndex: decode every record's metadata and index it. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public InvertedIndex rebuildInvertedIndex() {
        return InvertedIndex.rebuild(live, openedStore::get);
    }

    /** The alternative to the on-disk id table: a heap hash map of every id, built at open. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Map<String, Integer> rebuildIdHashMap() {
        Map<String, Integer> m = HashMap.newHashMap(openedIds.size());
        openedIds.forEachLive(m::put);
        return m;
    }

    // ---- steady state

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int lookupIdInMappedTable() {
        return openedIds.slotOf("doc-" + (records / 3));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Integer lookupIdInHeapHashMap() {
        return heapIds.get("doc-" + (records / 3));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Map<String, Object> getMetadataFromMappedStore() {
        return openedStore.get(records / 3);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long resolveEquality() {
        return index.resolve(EQ).candidates().getLongCardinality();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long resolveRange() {
        return index.resolve(RANGE).candidates().getLongCardinality();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long resolveInOrRange() {
        return index.resolve(IN_OR).candidates().getLongCardinality();
    }

    /** Exact count of a filter the index only narrows (1/20 of the records decoded and evaluated). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long countInexact() {
        return index.count(INEXACT, openedStore::get);
    }

    /** The same, checking candidates on their stored bytes and decoding only the fields the filter names. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long countInexactEncoded() {
        return index.matchingEncoded(INEXACT, openedStore::getBytes).getLongCardinality();
    }
}
