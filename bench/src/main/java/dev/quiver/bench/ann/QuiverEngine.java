package dev.quiver.bench.ann;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quiver through its public API only: {@code Database.open(dir, Config.dim(d).metric(..).m(M).efConstruction(efc))},
 * {@code addMany} in batches, {@code save()}, {@code close()}; then {@link #open()} reopens the directory with
 * {@code Database.open(dir)}, so the open time and the memory-mapped read path are what gets measured. Row i is stored
 * under id {@code "i"}; a filtered run stores only the filter's field as metadata. {@code quiver-sq8} is the same with
 * {@code quantize(true)} (SQ8 codes walked where they pay, float32 re-ranking; where the float32 vectors fit the
 * last-level cache below 384 dimensions the walk stays on float32, see {@code CodeWalkRule}).
 */
public final class QuiverEngine implements AnnEngine {

    /** Rows per addMany call: large enough for the parallel batch build, small enough to show progress. */
    static final int BATCH = 5_000;

    private final boolean quantize;
    private Path dir;
    private Database db;
    private BuildSplit split;

    public QuiverEngine(boolean quantize) {
        this.quantize = quantize;
    }

    @Override
    public String name() {
        return quantize ? "quiver-sq8" : "quiver";
    }

    @Override
    public void build(Dataset data, BuildParams params, RowFilter filter, Path dir, Progress progress) {
        this.dir = dir;
        Config config = Config.dim(data.dim()).metric(params.metric()).m(params.m())
                .efConstruction(params.efConstruction()).quantize(quantize).buildThreads(params.buildThreads());
        float[][] base = data.base();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        double jit0 = CompilerThreads.cpuSeconds();
        long t0 = System.nanoTime();
        long t1;
        try (Database writer = Database.open(dir, config)) {
            for (int from = 0; from < base.length; from += BATCH) {
                int to = Math.min(base.length, from + BATCH);
                List<String> ids = new ArrayList<>(to - from);
                List<Map<String, Object>> metadata = filter == null ? null : new ArrayList<>(to - from);
                for (int row = from; row < to; row++) {
                    ids.add(Integer.toString(row));
                    if (metadata != null) {
                        Map<String, Object> meta = data.baseMetadata().get(row);
                        Object value = meta == null ? null : meta.get(filter.field());
                        metadata.add(value == null ? null : Map.of(filter.field(), value));
                    }
                }
                float[][] batch = java.util.Arrays.copyOfRange(base, from, to);
                if (metadata == null) {
                    writer.addMany(ids, batch);
                } else {
                    writer.addMany(ids, batch, metadata);
                }
                progress.update(to, base.length);
            }
            t1 = System.nanoTime();
            writer.save();
        }
        long t2 = System.nanoTime();
        split = new BuildSplit((t1 - t0) / 1e9, (t2 - t1) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9,
                CompilerThreads.cpuSeconds() - jit0);
    }

    @Override
    public BuildSplit buildSplit() {
        return split;
    }

    @Override
    public void open() {
        db = Database.open(dir);
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public Searcher newSearcher(RowFilter filter) {
        Filter quiverFilter = filter == null ? null : Filter.eq(filter.field(), filter.value());
        return new Searcher() {
            @Override
            public int[] search(float[] query, int k, int ef) {
                SearchParams params = SearchParams.k(k).efSearch(ef);
                if (quiverFilter != null) {
                    params = params.filter(quiverFilter);
                }
                List<SearchResult> hits = db.search(query, params);
                int[] rows = new int[hits.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = Integer.parseInt(hits.get(i).id());
                }
                return rows;
            }

            @Override
            public long evaluations(float[] query, int k, int ef) {
                return QuiverWork.distances(db, query, k, ef, quiverFilter);
            }
        };
    }

    @Override
    public long indexBytes() throws IOException {
        return DirectorySize.of(dir);
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
            db = null;
        }
    }
}
