/**
 * Records' ids and metadata: {@link dev.quiver.engine.meta.JsonValues} (what a JSON value is in Java, normalization
 * and equality), {@link dev.quiver.engine.meta.MetadataCodec} (validated metadata to compact JSON bytes and back),
 * {@link dev.quiver.engine.meta.MetadataStore} (slot to bytes) and {@link dev.quiver.engine.meta.IdMap} (id to slot),
 * both opening from their files in place (a checksum pass, no decoding, no rebuild) with an on-heap layer for writes.
 * File layouts are documented on each {@code writeTo}, with a format version constant beside it.
 */
package dev.quiver.engine.meta;
