package dev.quiver.simd;

/**
 * Turns a dot product and two norms into a cosine distance, with the rules every kernel shares:
 * {@code 1 - dot / (|a| |b|)} clamped to [0, 2] (rounding can push |cos| slightly past 1); both vectors zero gives 0
 * (identical), exactly one zero gives 1 (orthogonal: no direction to compare).
 */
final class Cosine {

    private Cosine() {
    }

    static float fromNorms(float dot, float normA, float normB) {
        boolean zeroA = normA == 0f;
        boolean zeroB = normB == 0f;
        if (zeroA || zeroB) {
            return zeroA && zeroB ? 0f : 1f;
        }
        // Double for the division: the product of two large norms may overflow float.
        return clamp(1.0 - dot / ((double) normA * (double) normB));
    }

    static float fromSquaredNorms(float dot, float normSquaredA, float normSquaredB) {
        boolean zeroA = normSquaredA == 0f;
        boolean zeroB = normSquaredB == 0f;
        if (zeroA || zeroB) {
            return zeroA && zeroB ? 0f : 1f;
        }
        return clamp(1.0 - dot / Math.sqrt((double) normSquaredA * (double) normSquaredB));
    }

    private static float clamp(double distance) {
        // NaN (from NaN or infinite input) passes through unchanged so callers can see it.
        if (distance < 0.0) {
            return 0f;
        }
        if (distance > 2.0) {
            return 2f;
        }
        return (float) distance;
    }
}
