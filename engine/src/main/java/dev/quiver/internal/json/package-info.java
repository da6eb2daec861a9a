/**
 * The vctrs JSON export document, streamed: {@link dev.quiver.internal.json.JsonExporter} writes it record by record
 * and {@link dev.quiver.internal.json.JsonImporter} reads it in batches, so neither holds the whole document.
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.json;
