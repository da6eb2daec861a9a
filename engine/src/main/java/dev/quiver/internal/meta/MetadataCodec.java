package dev.quiver.internal.meta;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.quiver.CorruptDataException;
import dev.quiver.InvalidArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Metadata objects to compact JSON bytes and back.
 *
 * <p>Metadata is validated and normalized at the API boundary ({@link #validate}); the stored form is compact UTF-8
 * JSON with object keys sorted by code point, so equal metadata always encodes to equal bytes (deterministic
 * snapshots) and {@link #decode} hands keys back sorted, as vctrs does. Decoding returns a fresh mutable map each time.
 */
public final class MetadataCodec {

    private MetadataCodec() {
    }

    /**
     * Checks that the metadata is a JSON object (String keys; values null, String, Boolean, finite numbers, lists and
     * maps of those) and returns its normalized copy (see {@link JsonValues}).
     *
     * @return the normalized copy, or {@code null} for {@code null} (a record without metadata)
     * @throws InvalidArgumentException naming the key, e.g. {@code invalid metadata: value at 'score' is not finite: NaN}
     */
    public static Map<String, Object> validate(Map<String, ?> metadata) {
        if (metadata == null) {
            return null;
        }
        return JsonValues.normalizeObject(metadata, "", msg -> new InvalidArgumentException("invalid metadata: " + msg));
    }

    /** Compact JSON bytes of validated (normalized) metadata. */
    public static byte[] encode(Map<String, Object> normalized) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            JsonSupport.writeValue(g, normalized);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** The metadata object stored as these bytes (from {@link #encode}). */
    public static Map<String, Object> decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static Map<String, Object> decode(byte[] bytes, int offset, int length) {
        try (JsonParser p = JsonSupport.FACTORY.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CorruptDataException("corrupt data: stored metadata is not a JSON object");
            }
            Map<String, Object> map = JsonSupport.readObject(p);
            if (p.nextToken() != null) {
                throw new CorruptDataException("corrupt data: trailing bytes after stored metadata");
            }
            return map;
        } catch (JsonProcessingException e) {
            throw new CorruptDataException("corrupt data: stored metadata is not valid JSON: " + JsonSupport.describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
