/**
 * Metadata filters at work: {@link dev.quiver.internal.filter.FilterParser} reads the vctrs / Chroma JSON dialect into
 * {@link dev.quiver.Filter} trees and {@link dev.quiver.internal.filter.FilterJson} writes them back;
 * {@link dev.quiver.internal.filter.FilterEvaluator} decides one record (on decoded metadata) and
 * {@link dev.quiver.internal.filter.EncodedMatcher} on stored bytes; {@link dev.quiver.internal.filter.InvertedIndex}
 * answers filters as bitmaps of slots ({@link dev.quiver.internal.filter.Resolution}: exact, or a superset to check),
 * with {@code matching}/{@code count} exact for every filter.
 *
 * <p>Semantics and the departures from vctrs they implement (1: {@code {}} matches all, null/array/object equality
 * is evaluated; 2: exact counts; 4: numbers equal by value) are described on the evaluator and the index.
 *
 * <p>Internal: not part of Quiver's API (that is {@code dev.quiver}); no compatibility promise, may change in any
 * release.
 */
package dev.quiver.internal.filter;
