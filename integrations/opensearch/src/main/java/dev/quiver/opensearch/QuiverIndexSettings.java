package dev.quiver.opensearch;

import dev.quiver.opensearch.codec.VectorsFormatChoice;
import java.util.List;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;

/** The index settings that switch an index to the plugin's codec and pick the vector format it writes. */
public final class QuiverIndexSettings {

    /** Gates the plugin's codec service, as {@code index.knn} does for the k-NN plugins; fixed at index creation. */
    public static final Setting<Boolean> ENABLED =
            Setting.boolSetting("index.quiver", false, Property.IndexScope, Property.Final);

    /**
     * Which Lucene vector format writes {@code quiver_vector} fields: Quiver's own (the default) or Lucene's HNSW with
     * the same M / ef_construction, kept so the two can be compared on one cluster.
     */
    public static final Setting<VectorsFormatChoice> VECTORS_FORMAT = new Setting<>(
            "index.quiver.vectors_format",
            VectorsFormatChoice.QUIVER.settingValue(),
            VectorsFormatChoice::parse,
            Property.IndexScope,
            Property.Final);

    private QuiverIndexSettings() {}

    static List<Setting<?>> all() {
        return List.of(ENABLED, VECTORS_FORMAT);
    }
}
