package dev.quiver.bench.hnsw;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * Times several ways of answering the same queries in one process, for probes that compare layouts or layers on a
 * noisy machine: every round runs each way over all queries at each ef, the order of the ways flipping from round to
 * round, after two unmeasured warm-up rounds. Reports the median thread CPU per query, recall@10 and the work each
 * way reports (measured in the first round).
 */
public final class AlternatingRounds {

    /** One way of searching. */
    interface Way {
        /**
         * The original ids of the 10 nearest to query {@code query} (an index into the probe's query list); stores
         * the evaluations spent in {@code work[0]} (or -1 when the way cannot tell).
         */
        int[] search(int query, int ef, long[] work);
    }

    record Named(String name, Way way) {
    }

    /** One way at one ef. */
    record Result(String name, int ef, double recall, long workPerQuery, double cpuUsPerQuery) {
    }

    /** A probe's command line: a data set spec, then {@code efs=}, {@code rounds=}, {@code queries=}, {@code pad=}. */
    public record Args(String dataset, int[] efs, int rounds, int queries, int pad) {
        public static Args parse(String[] args) {
            int[] efs = {40, 80, 160};
            int rounds = 7;
            int queries = 1000;
            int pad = 0;
            for (String a : args) {
                String value = a.substring(a.indexOf('=') + 1);
                if (a.startsWith("efs=")) {
                    efs = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                } else if (a.startsWith("rounds=")) {
                    rounds = Integer.parseInt(value);
                } else if (a.startsWith("queries=")) {
                    queries = Integer.parseInt(value);
                } else if (a.startsWith("pad=")) {
                    pad = Integer.parseInt(value);
                }
            }
            return new Args(args[0], efs, rounds, queries, pad);
        }
    }

    private AlternatingRounds() {
    }

    /** Results ordered by ef, then by the order of {@code ways}. */
    static List<Result> run(int[][] truth, int queries, List<Named> ways, int[] efs, int rounds) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int p = ways.size();
        double[][][] samples = new double[p][efs.length][rounds];
        double[][] recall = new double[p][efs.length];
        long[][] work = new long[p][efs.length];
        long[] spent = new long[1];
        for (int round = -2; round < rounds; round++) {
            for (int e = 0; e < efs.length; e++) {
                for (int i = 0; i < p; i++) {
                    int w = (round & 1) == 0 ? i : p - 1 - i;
                    long hits = 0;
                    long total = 0;
                    long start = cpu.getCurrentThreadCpuTime();
                    for (int q = 0; q < queries; q++) {
                        int[] found = ways.get(w).way().search(q, efs[e], spent);
                        if (round == 0) {
                            hits += overlap(found, truth[q]);
                            total += spent[0];
                        }
                    }
                    long ns = cpu.getCurrentThreadCpuTime() - start;
                    if (round >= 0) {
                        samples[w][e][round] = ns / 1e3 / queries;
                    }
                    if (round == 0) {
                        recall[w][e] = hits / (10.0 * queries);
                        work[w][e] = total / queries;
                    }
                }
            }
        }
        Result[] out = new Result[efs.length * p];
        for (int e = 0; e < efs.length; e++) {
            for (int w = 0; w < p; w++) {
                double[] s = samples[w][e].clone();
                Arrays.sort(s);
                out[e * p + w] = new Result(ways.get(w).name(), efs[e], recall[w][e], work[w][e], s[s.length / 2]);
            }
        }
        return List.of(out);
    }

    /** How many of {@code found} are among the first 10 of {@code truth}. */
    static int overlap(int[] found, int[] truth) {
        int hits = 0;
        for (int f : found) {
            for (int t = 0; t < 10 && t < truth.length; t++) {
                if (truth[t] == f) {
                    hits++;
                    break;
                }
            }
        }
        return hits;
    }
}
