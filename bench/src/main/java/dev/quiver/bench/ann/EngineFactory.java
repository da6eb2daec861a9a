package dev.quiver.bench.ann;

import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.lucene.QuiverHnswVectorsFormat;

/** Engine names on the command line to engine instances. */
final class EngineFactory {

    private EngineFactory() {
    }

    static AnnEngine create(String name) {
        return switch (name) {
            case "quiver" -> new QuiverEngine(false);
            case "quiver-sq8" -> new QuiverEngine(true);
            case "lucene" -> new LuceneEngine();
            // Quiver's graph as a Lucene format, through the same IndexWriter / forceMerge / KnnFloatVectorQuery path.
            case "lucene-quiver" -> new LuceneEngine("lucene-quiver", (params, pool) ->
                    new QuiverHnswVectorsFormat(params.m(), params.efConstruction(), params.buildThreads()));
            // The same, merges always rebuilding the graph (measures what seeding a merge from the largest graph saves).
            case "lucene-quiver-rebuild" -> new LuceneEngine("lucene-quiver-rebuild", (params, pool) ->
                    new QuiverHnswVectorsFormat(params.m(), params.efConstruction(), params.buildThreads(),
                            HnswConfig.DEFAULT_EXACT_SCAN_FACTOR, false));
            case "jvector" -> new JVectorEngine();
            case "hnswlib" -> new HnswlibEngine();
            default -> throw new IllegalArgumentException("unknown engine '" + name + "'");
        };
    }
}
