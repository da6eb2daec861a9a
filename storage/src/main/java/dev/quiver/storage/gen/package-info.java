/**
 * Snapshot generations: data files written beside the current generation and switched to by one atomic rename of
 * the manifest {@code graph.vctrs}; files are mapped back without copying. Formats: {@link
 * dev.quiver.storage.gen.DataFileFormat} and {@link dev.quiver.storage.gen.Manifest}; protocol and verification
 * policy: {@link dev.quiver.storage.gen.Generations}.
 */
package dev.quiver.storage.gen;
