/**
 * Metadata filters at work: {@link dev.quiver.engine.filter.FilterParser} reads the vctrs / Chroma JSON dialect into
 * {@link dev.quiver.Filter} trees and {@link dev.quiver.engine.filter.FilterJson} writes them back;
 * {@link dev.quiver.engine.filter.FilterEvaluator} decides one record (on decoded metadata) and
 * {@link dev.quiver.engine.filter.EncodedMatcher} on stored bytes; {@link dev.quiver.engine.filter.InvertedIndex}
 * answers filters as bitmaps of slots ({@link dev.quiver.engine.filter.Resolution}: exact, or a superset to check),
 * with {@code matching}/{@code count} exact for every filter.
 *
 * <p>Semantics and the departures from vctrs they implement (1: {@code {}} matches all, null/array/object equality
 * is evaluated; 2: exact counts; 4: numbers equal by value) are described on the evaluator and the index.
 */
package dev.quiver.engine.filter;
