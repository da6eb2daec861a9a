package dev.quiver.internal.filter;

import org.roaringbitmap.RoaringBitmap;

/**
 * What the inverted index knows about a filter: the candidate slots (always live slots only), and whether they are
 * exactly the matching ones. When {@code exact} is false the candidates are a superset, and the caller evaluates the
 * filter on each candidate's metadata ({@link FilterEvaluator}). The bitmap is the caller's to keep or modify.
 */
public record Resolution(RoaringBitmap candidates, boolean exact) {
}
