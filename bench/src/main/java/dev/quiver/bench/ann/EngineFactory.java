package dev.quiver.bench.ann;

/** Engine names on the command line to engine instances. */
final class EngineFactory {

    private EngineFactory() {
    }

    static AnnEngine create(String name) {
        return switch (name) {
            case "quiver" -> new QuiverEngine(false);
            case "quiver-sq8" -> new QuiverEngine(true);
            case "lucene" -> new LuceneEngine();
            case "jvector" -> new JVectorEngine();
            case "hnswlib" -> new HnswlibEngine();
            default -> throw new IllegalArgumentException("unknown engine '" + name + "'");
        };
    }
}
