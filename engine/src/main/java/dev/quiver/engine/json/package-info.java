/**
 * The vctrs JSON export document, streamed: {@link dev.quiver.engine.json.JsonExporter} writes it record by record
 * and {@link dev.quiver.engine.json.JsonImporter} reads it in batches, so neither holds the whole document.
 */
package dev.quiver.engine.json;
