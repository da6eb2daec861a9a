package dev.quiver.opensearch.codec;

import dev.quiver.opensearch.QuiverIndexSettings;
import dev.quiver.opensearch.mapper.QuiverVectorFieldType;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperService;

/** The codec service of a Quiver-enabled index: every codec OpenSearch asks for, wrapped in a {@link QuiverCodec}. */
public final class QuiverCodecService extends CodecService {

    private final MapperService mapperService;
    private final VectorsFormatChoice formatChoice;

    public QuiverCodecService(CodecServiceConfig config) {
        super(config.getMapperService(), config.getIndexSettings(), config.getLogger(), config.getAdditionalCodecs());
        this.mapperService = config.getMapperService();
        this.formatChoice = config.getIndexSettings().getValue(QuiverIndexSettings.VECTORS_FORMAT);
    }

    @Override
    public Codec codec(String name) {
        return new QuiverCodec(super.codec(name), this::formatForField);
    }

    private KnnVectorsFormat formatForField(String field) {
        if (mapperService == null) {
            return null;
        }
        MappedFieldType type = mapperService.fieldType(field);
        return type instanceof QuiverVectorFieldType vectorType ? formatChoice.formatFor(vectorType.params()) : null;
    }
}
