/**
 * SQ8 scalar quantization: {@link dev.quiver.internal.quant.Sq8Quantizer} (per-dimension offsets, one shared scale,
 * quantile-trained) and {@link dev.quiver.internal.quant.Sq8Store} (codes and inner-product corrections in slabs, drift
 * tracking).
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.quant;
