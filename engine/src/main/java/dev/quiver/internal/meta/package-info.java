/**
 * Records' ids and metadata: {@link dev.quiver.internal.meta.JsonValues} (what a JSON value is in Java, normalization
 * and equality), {@link dev.quiver.internal.meta.MetadataCodec} (validated metadata to compact JSON bytes and back),
 * {@link dev.quiver.internal.meta.MetadataStore} (slot to bytes) and {@link dev.quiver.internal.meta.IdMap} (id to slot),
 * both opening from their files in place (a checksum pass, no decoding, no rebuild) with an on-heap layer for writes.
 * File layouts are documented on each {@code writeTo}, with a format version constant beside it.
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.meta;
