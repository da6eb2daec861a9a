package dev.quiver.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Brute-force nearest neighbours in double precision over an in-memory model, the judge of every search test. */
final class Reference {

    private Reference() {
    }

    record Hit(String id, double distance) { }

    static double distance(String metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            l2 += d * d;
        }
        return switch (metric) {
            case "euclidean", "l2" -> l2;
            case "dot", "dot_product" -> -dot;
            default -> {
                if (na == 0 && nb == 0) {
                    yield 0;
                }
                if (na == 0 || nb == 0) {
                    yield 1;
                }
                yield Math.min(2, Math.max(0, 1 - dot / Math.sqrt(na * nb)));
            }
        };
    }

    static List<Hit> nearest(String metric, Map<String, float[]> model, float[] query, int k) {
        List<Hit> all = new ArrayList<>(model.size());
        model.forEach((id, v) -> all.add(new Hit(id, distance(metric, query, v))));
        all.sort(Comparator.comparingDouble(Hit::distance));
        return all.subList(0, Math.min(k, all.size()));
    }
}
