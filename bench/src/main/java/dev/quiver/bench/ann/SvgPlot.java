package dev.quiver.bench.ann;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recall (x, linear) against QPS (y, log scale), one line per engine through its ef points, ann-benchmarks style:
 * up and to the right is better. Plain SVG 1.1 written by hand.
 */
final class SvgPlot {

    static final int WIDTH = 820;
    static final int HEIGHT = 540;
    static final int LEFT = 80;
    static final int RIGHT = 30;
    static final int TOP = 50;
    static final int BOTTOM = 60;
    private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final String[] MARKERS = {"circle", "square", "triangle", "diamond", "circle", "square"};

    private SvgPlot() {
    }

    static void write(Path file, String title, List<ResultRow> rows) throws IOException {
        ReportWriter.createParent(file);
        Files.writeString(file, render(title, rows), StandardCharsets.UTF_8);
    }

    static String render(String title, List<ResultRow> rows) {
        Map<String, List<ResultRow>> byEngine = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            byEngine.computeIfAbsent(row.engine(), e -> new ArrayList<>()).add(row);
        }
        double minRecall = rows.stream().mapToDouble(ResultRow::recall).min().orElse(0);
        double xMin = Math.min(0.9, Math.floor(minRecall * 10) / 10);
        double xMax = 1.0;
        double minQps = rows.stream().mapToDouble(ResultRow::qps).filter(q -> q > 0).min().orElse(1);
        double maxQps = rows.stream().mapToDouble(ResultRow::qps).max().orElse(10);
        int yLowDecade = (int) Math.floor(Math.log10(Math.max(minQps, 1e-3)));
        int yHighDecade = (int) Math.ceil(Math.log10(Math.max(maxQps, 1e-3)));
        if (yHighDecade == yLowDecade) {
            yHighDecade++;
        }
        Axes axes = new Axes(xMin, xMax, yLowDecade, yHighDecade);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n", WIDTH / 2,
                escape(title)));
        appendGridAndTicks(svg, axes);
        int series = 0;
        for (Map.Entry<String, List<ResultRow>> entry : byEngine.entrySet()) {
            appendSeries(svg, axes, entry.getValue(), COLORS[series % COLORS.length],
                    MARKERS[series % MARKERS.length]);
            series++;
        }
        appendLegend(svg, byEngine.keySet());
        svg.append("</svg>\n");
        return svg.toString();
    }

    private record Axes(double xMin, double xMax, int yLowDecade, int yHighDecade) {
        double x(double recall) {
            double plotWidth = WIDTH - LEFT - RIGHT;
            return LEFT + (recall - xMin) / (xMax - xMin) * plotWidth;
        }

        double y(double qps) {
            double plotHeight = HEIGHT - TOP - BOTTOM;
            double t = (Math.log10(qps) - yLowDecade) / (yHighDecade - yLowDecade);
            return HEIGHT - BOTTOM - t * plotHeight;
        }
    }

    private static void appendGridAndTicks(StringBuilder svg, Axes axes) {
        int plotRight = WIDTH - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        double range = axes.xMax() - axes.xMin();
        double xStep = range <= 0.1 ? 0.01 : range <= 0.3 ? 0.05 : 0.1;
        int steps = (int) Math.round((axes.xMax() - axes.xMin()) / xStep);
        for (int i = 0; i <= steps; i++) {
            double recall = axes.xMin() + i * xStep;
            double x = axes.x(recall);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>%n", x, TOP, x, plotBottom));
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>%n", x, plotBottom, x,
                    plotBottom + 5));
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n", x, plotBottom + 19, recall));
        }
        for (int decade = axes.yLowDecade(); decade <= axes.yHighDecade(); decade++) {
            for (int mult : new int[] {1, 2, 5}) {
                double qps = mult * Math.pow(10, decade);
                if (decade == axes.yHighDecade() && mult > 1) {
                    break;
                }
                double y = axes.y(qps);
                boolean major = mult == 1;
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n", LEFT, y, plotRight, y,
                        major ? "#d0d0d0" : "#f0f0f0"));
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n", LEFT - 5, y, LEFT, y));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 8, y + 4,
                        formatQps(qps)));
            }
        }
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n", LEFT, TOP,
                plotRight - LEFT, plotBottom - TOP));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Recall@k</text>%n", (LEFT + plotRight) / 2,
                HEIGHT - 18));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">"
                        + "Queries per second (log scale)</text>%n", (TOP + plotBottom) / 2, (TOP + plotBottom) / 2));
    }

    private static void appendSeries(StringBuilder svg, Axes axes, List<ResultRow> rows, String color,
                                     String marker) {
        List<ResultRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt(ResultRow::ef));
        StringBuilder points = new StringBuilder();
        for (ResultRow r : sorted) {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", axes.x(r.recall()), axes.y(r.qps())));
        }
        svg.append(String.format(Locale.ROOT,
                "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                points.toString().trim(), color));
        for (ResultRow r : sorted) {
            svg.append(marker(marker, axes.x(r.recall()), axes.y(r.qps()), color, "ef=" + r.ef()));
        }
    }

    private static String marker(String shape, double x, double y, String color, String tooltip) {
        String title = "<title>" + escape(tooltip) + "</title>";
        return switch (shape) {
            case "square" -> String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\">%s</rect>%n", x - 4, y - 4,
                    color, title);
            case "triangle" -> String.format(Locale.ROOT,
                    "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\">%s</polygon>%n", x, y - 5, x - 5,
                    y + 4, x + 5, y + 4, color, title);
            case "diamond" -> String.format(Locale.ROOT,
                    "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\">%s</polygon>%n", x,
                    y - 5, x + 5, y, x, y + 5, x - 5, y, color, title);
            default -> String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">%s</circle>%n",
                    x, y, color, title);
        };
    }

    private static void appendLegend(StringBuilder svg, Iterable<String> engines) {
        int x = LEFT + 15;
        int count = 0;
        for (String ignored : engines) {
            count++;
        }
        int y = HEIGHT - BOTTOM - 15 - 20 * (count - 1);
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"130\" height=\"%d\" fill=\"white\" stroke=\"#999\"/>%n", x - 8,
                y - 15, 20 * count + 8));
        int series = 0;
        for (String engine : engines) {
            String color = COLORS[series % COLORS.length];
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n", x, y - 4,
                    x + 24, y - 4, color));
            svg.append(marker(MARKERS[series % MARKERS.length], x + 12, y - 4, color, engine));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 32, y,
                    escape(engine)));
            y += 20;
            series++;
        }
    }

    static String formatQps(double qps) {
        if (qps >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", qps);
        }
        return qps >= 1 ? String.format(Locale.ROOT, "%.0f", qps) : String.format(Locale.ROOT, "%.2g", qps);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
