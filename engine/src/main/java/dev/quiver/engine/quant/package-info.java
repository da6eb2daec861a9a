/**
 * SQ8 scalar quantization: {@link dev.quiver.engine.quant.Sq8Quantizer} (per-dimension offsets, one shared scale,
 * quantile-trained) and {@link dev.quiver.engine.quant.Sq8Store} (codes and inner-product corrections in slabs, drift
 * tracking).
 */
package dev.quiver.engine.quant;
