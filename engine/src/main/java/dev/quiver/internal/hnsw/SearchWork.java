package dev.quiver.internal.hnsw;

/**
 * What the last search on a thread cost, in units that do not depend on the machine: nodes whose neighbour lists
 * were expanded in the beam, rejected nodes crossed as two-hop bridges, distances computed (graph and exact scan),
 * and whether the graph gave up and the exact scan answered. Lets tests bound the work of a filtered search
 * relative to an unfiltered one without timing anything.
 */
public record SearchWork(int expanded, int bridges, int distances, boolean exactFallback) {
}
