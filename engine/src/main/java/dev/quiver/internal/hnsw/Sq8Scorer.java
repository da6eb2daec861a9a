package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.internal.quant.Sq8Codes;
import dev.quiver.simd.VectorOps;

import java.lang.foreign.MemorySegment;

/**
 * Approximate distances on SQ8 codes with the integer kernels; the query is quantized once per search.
 * Euclidean: {@code scale^2 * sum (qc - c)^2}. Dot/cosine: the inner product rebuilt from the code dot product and
 * the per-slot correction (see {@link Sq8Quantizer#correction}); cosine divides by the exact float norms. Both floats
 * are read from the code's own record ({@link Sq8Codes}), so a candidate costs one run of adjacent cache lines.
 */
final class Sq8Scorer implements QueryScorer {

    private final Sq8Codes codes;
    private final Metric metric;
    private final byte[] queryCode;
    private final float scaleSquared;
    private final float queryTerm;
    private final float queryNorm;

    Sq8Scorer(Sq8Codes codes, Metric metric, float[] query, SearchState state) {
        this.codes = codes;
        this.metric = metric;
        Sq8Quantizer quantizer = codes.quantizer();
        byte[] queryCodeScratch = state.queryCode(codes.codeBytes());
        codes.encodeQuery(query, queryCodeScratch);
        this.queryCode = queryCodeScratch;
        float scale = quantizer.scale();
        this.scaleSquared = scale * scale;
        // y . offsets, unquantized: the query side of the expansion needs no quantization (see
        // Sq8Quantizer#correction). Squared L2 on codes needs neither term: skipped, as they cost a pass over the
        // query per search.
        this.queryTerm = metric == Metric.EUCLIDEAN ? 0f : quantizer.offsetDot(query);
        this.queryNorm = metric == Metric.COSINE ? (float) Math.sqrt(VectorOps.normSquared(query)) : 0f;
    }

    /** How far quantizing moved {@code query}, the query this scorer was made for: {@code |q - decode(code(q))|}. */
    double queryResidual(float[] query) {
        return Math.sqrt(codes.quantizer().residualSquared(query, queryCode));
    }

    @Override
    public float score(int slot) {
        if (metric == Metric.EUCLIDEAN) {
            return scaleSquared * VectorOps.squareDistanceU8(queryCode, codes.chunk(slot), codes.offset(slot));
        }
        MemorySegment chunk = codes.chunk(slot);
        long offset = codes.offset(slot);
        return fromDot(VectorOps.dotU8(queryCode, chunk, offset), chunk, offset);
    }

    private float fromDot(int codeDot, MemorySegment chunk, long offset) {
        float dot = innerProduct(codeDot, chunk, offset);
        return metric == Metric.DOT_PRODUCT ? -dot
                : VectorOps.cosineDistance(dot, queryNorm, codes.norm(chunk, offset));
    }

    private float innerProduct(int codeDot, MemorySegment chunk, long offset) {
        // y . x^ = y . m + s (m . c) + s^2 (q . c) - s (e . c), the last (query rounding) term dropped.
        return scaleSquared * codeDot + codes.correction(chunk, offset) + queryTerm;
    }

    @Override
    public void score(int[] slots, int count, float[] out, SearchState state) {
        for (int i = 0; i < count; i++) {
            int s = slots[i];
            state.segs[i] = codes.chunk(s);
            state.offs[i] = codes.offset(s);
        }
        int[] raw = state.intScores(count);
        if (metric == Metric.EUCLIDEAN) {
            VectorOps.squareDistanceU8Bulk(queryCode, state.segs, state.offs, count, raw);
            for (int i = 0; i < count; i++) {
                out[i] = scaleSquared * raw[i];
            }
        } else {
            VectorOps.dotU8Bulk(queryCode, state.segs, state.offs, count, raw);
            if (metric == Metric.DOT_PRODUCT) {
                for (int i = 0; i < count; i++) {
                    out[i] = -innerProduct(raw[i], state.segs[i], state.offs[i]);
                }
            } else {
                float[] norms = state.norms;
                for (int i = 0; i < count; i++) {
                    out[i] = innerProduct(raw[i], state.segs[i], state.offs[i]);
                    norms[i] = codes.norm(state.segs[i], state.offs[i]);
                }
                VectorOps.cosineDistances(out, queryNorm, norms, count);
            }
        }
    }
}
