package dev.gradcheck.cli.health;

import dev.gradcheck.health.FlowHistory;
import dev.gradcheck.health.FlowOptions;
import dev.gradcheck.health.FlowReport;
import dev.gradcheck.health.LayerStats;
import dev.gradcheck.health.ParamStats;
import dev.gradcheck.health.StepFlag;
import java.awt.Color;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;

/**
 * The {@code flow --svg} chart, drawn by JFreeChart and exported by JFreeSVG: per layer (in
 * forward order, the layers' names on the shared axis with each layer's flags written under its
 * name and its column shaded), one panel per quantity, each with its own axis and thresholds:
 * the gradient norms (layer and largest param) against the exploding and vanishing bounds; the
 * layer-to-layer gradient ratio against the growth and shrink bounds; the params' update:data
 * ratio of one SGD step against its band (with {@code --lr}; without it, their grad:data ratio);
 * and the dead-ReLU and saturated shares against theirs. Log panels put zero and NaN/Inf on rows of
 * their own ({@link DecadeAxis}). With several training steps ({@code flow --steps N}) the panels
 * show step 0, a flag that appeared later is written with its step, and a heatmap of every layer's
 * gradient norm at every step follows ({@link StepHeatmap}).
 */
public final class FlowChart {
    private static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 210;

    private FlowChart() {
    }

    /** The chart of {@code report} as an SVG document. */
    public static String svg(FlowReport report, String title) {
        return svg(List.of(report), report.flags().stream().map(f -> new StepFlag(0, f)).toList(), title);
    }

    /**
     * The chart of a training run's initial values with every finding of the run marked (those that
     * appeared later with their step), and the heatmap of gradient norms over the steps below it, as
     * one SVG document.
     */
    public static String svg(FlowHistory history, String title) {
        return svg(history.steps(), history.flagsByStep(), title);
    }

    private static String svg(List<FlowReport> steps, List<StepFlag> flags, String title) {
        System.setProperty("java.awt.headless", "true");
        JFreeChart main = chart(steps.get(0), flags, title);
        int mainHeight = 140 + PANEL_HEIGHT * ((CombinedDomainCategoryPlot) main.getPlot()).getSubplots().size();
        JFreeChart heat = steps.size() > 1 ? StepHeatmap.chart(steps) : null;
        int heatHeight = heat == null ? 0 : Math.max(260, 150 + 24 * StepHeatmap.layers(steps.get(0)).size());
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, mainHeight + heatHeight);
        main.draw(g2, new Rectangle(0, 0, WIDTH, mainHeight));
        if (heat != null) {
            heat.draw(g2, new Rectangle(0, mainHeight, WIDTH, heatHeight));
        }
        return g2.getSVGDocument();
    }

    /** The chart itself (for other renderings), its flags those of {@code report}. */
    public static JFreeChart chart(FlowReport report, String title) {
        return chart(report, report.flags().stream().map(f -> new StepFlag(0, f)).toList(), title);
    }

    /**
     * @param flags the findings to mark: a flag of a later training step is written with its step,
     *     since the panels show the initial values
     */
    static JFreeChart chart(FlowReport report, List<StepFlag> flags, String title) {
        FlowOptions o = report.options();
        List<String> layers = report.layers().stream().map(LayerStats::name).toList();
        boolean training = flags.stream().anyMatch(f -> f.step() > 0);
        FlagAxis axis = new FlagAxis("layer (forward order); flags under the names"
                + (training ? ", at step 0 unless a step is given" : ""));
        Set<String> flagged = new LinkedHashSet<>();
        List<String> elsewhere = new ArrayList<>();
        for (StepFlag f : flags) {
            String layer = layerOf(report, f.flag().place());
            if (layers.contains(layer)) {
                axis.addFlag(layer, flagText(f));
                flagged.add(layer);
            } else {
                elsewhere.add(f.flag().kind().label() + " " + f.flag().place()
                        + (f.step() > 0 ? " (step " + f.step() + ")" : ""));
            }
        }
        // upright labels stay searchable <text> in the SVG; many layers need the room of slanted ones
        axis.setCategoryLabelPositions(layers.size() > 12 ? CategoryLabelPositions.UP_45
                : CategoryLabelPositions.STANDARD);
        axis.setMaximumCategoryLabelLines(3);
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(axis);
        plot.setGap(14);

        Map<String, Double> layerNorm = new LinkedHashMap<>();
        Map<String, Double> paramNorm = new LinkedHashMap<>();
        Map<String, Double> ratio = new LinkedHashMap<>();
        for (LayerStats l : report.layers()) {
            if (l.gradFlows()) {
                layerNorm.put(l.name(), l.gradNorm());
                if (!Double.isNaN(l.gradRatio())) {
                    ratio.put(l.name(), l.gradRatio());
                }
            }
            Double largest = largest(l, ParamStats::gradNorm);
            if (largest != null) {
                paramNorm.put(l.name(), largest);
            }
        }
        plot.add(QuantityPanel.log("gradient norm", layers, List.of(
                new QuantityPanel.Series("layer gradient norm", layerNorm, Palette.BLUE, true),
                new QuantityPanel.Series("largest param gradient norm", paramNorm, Palette.ORANGE, false)),
                List.of(new QuantityPanel.Threshold(o.explodingNorm(), "exploding above " + num(o.explodingNorm())),
                        new QuantityPanel.Threshold(o.vanishingNorm(), "vanishing below " + num(o.vanishingNorm()))),
                flagged), 3);
        plot.add(QuantityPanel.log("ratio to next layer", layers, List.of(
                new QuantityPanel.Series("gradient norm / next layer's", ratio, Palette.GREEN, true)),
                List.of(new QuantityPanel.Threshold(o.growth(), "grows more than " + num(o.growth()) + "x"),
                        new QuantityPanel.Threshold(1 / o.shrink(), "shrinks more than " + num(o.shrink()) + "x")),
                flagged), 2);
        if (!report.params().isEmpty()) {
            plot.add(paramRatios(report, layers, flagged), 2);
        }
        CategoryPlot shares = sharesPanel(report, layers, flagged);
        if (shares != null) {
            plot.add(shares, 2);
        }
        legendOnce(plot);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        // room at the sides, so the first legend entry does not touch the picture's edge
        chart.getLegend().setMargin(new RectangleInsets(6, 16, 8, 16));
        if (!elsewhere.isEmpty()) {
            chart.addSubtitle(new TextTitle("flagged outside the layers: " + String.join("; ", elsewhere)));
        }
        return chart;
    }

    /** The zero, NaN/Inf and beyond-the-axis markers are the same in every panel: one legend entry each. */
    private static void legendOnce(CombinedDomainCategoryPlot plot) {
        Set<Comparable<?>> shown = new java.util.HashSet<>();
        for (Object o : plot.getSubplots()) {
            CategoryPlot p = (CategoryPlot) o;
            for (int k = 0; k < p.getDataset().getRowCount(); k++) {
                Comparable<?> key = p.getDataset().getRowKey(k);
                boolean row = key.equals(QuantityPanel.ZERO) || key.equals(QuantityPanel.NON_FINITE)
                        || key.equals(QuantityPanel.BELOW) || key.equals(QuantityPanel.ABOVE);
                if (row && !shown.add(key)) {
                    p.getRenderer().setSeriesVisibleInLegend(k, false);
                }
            }
        }
    }

    /** Update:data with a learning rate (flagged outside its band), else grad:data (no threshold). */
    private static CategoryPlot paramRatios(FlowReport report, List<String> layers, Set<String> flagged) {
        FlowOptions o = report.options();
        boolean update = o.hasLr();
        ToDoubleFunction<ParamStats> of = update ? ParamStats::updateDataRatio : ParamStats::gradDataRatio;
        Map<String, Double> most = new LinkedHashMap<>();
        Map<String, Double> least = new LinkedHashMap<>();
        for (LayerStats l : report.layers()) {
            Double hi = largest(l, of);
            if (hi != null) {
                most.put(l.name(), hi);
                // with one value the smallest is the largest: drawn twice, one hides the other
                if (valued(l, of) > 1) {
                    least.put(l.name(), -largest(l, p -> -of.applyAsDouble(p)));
                }
            }
        }
        List<QuantityPanel.Threshold> band = update ? List.of(
                new QuantityPanel.Threshold(Math.pow(10, o.updateHigh()), "lr too high above 1e" + num(o.updateHigh())),
                new QuantityPanel.Threshold(Math.pow(10, o.updateLow()), "lr too low below 1e" + num(o.updateLow())))
                : List.of();
        String what = update ? "update:data (lr " + StepHeatmap.cellText(o.lr()) + ")" : "param grad:data";
        return QuantityPanel.log(what, layers, List.of(
                new QuantityPanel.Series("largest param " + (update ? "update:data" : "grad:data"), most, Palette.PURPLE,
                        false),
                new QuantityPanel.Series("smallest param " + (update ? "update:data" : "grad:data"), least, Palette.SKY,
                        false)), band, flagged);
    }

    /** Dead-ReLU and saturated shares, when the model has such layers. */
    private static CategoryPlot sharesPanel(FlowReport report, List<String> layers, Set<String> flagged) {
        FlowOptions o = report.options();
        Map<String, Double> dead = new LinkedHashMap<>();
        Map<String, Double> saturated = new LinkedHashMap<>();
        for (LayerStats l : report.layers()) {
            if (!Double.isNaN(l.deadShare())) {
                dead.put(l.name(), l.deadShare());
            }
            if (!Double.isNaN(l.saturatedShare())) {
                saturated.put(l.name(), l.saturatedShare());
            }
        }
        if (dead.isEmpty() && saturated.isEmpty()) {
            return null;
        }
        List<QuantityPanel.Series> series = new ArrayList<>();
        List<QuantityPanel.Threshold> thresholds = new ArrayList<>();
        if (!dead.isEmpty()) {
            series.add(new QuantityPanel.Series("dead ReLU units", dead, Palette.VERMILLION, false));
            thresholds.add(new QuantityPanel.Threshold(o.deadShare(), "dead_relu above " + pct(o.deadShare())));
        }
        if (!saturated.isEmpty()) {
            series.add(new QuantityPanel.Series("saturated tanh/sigmoid outputs", saturated, Palette.BLUE, false));
            thresholds.add(new QuantityPanel.Threshold(o.saturatedShare(), "saturated above "
                    + pct(o.saturatedShare())));
        }
        return QuantityPanel.shares("share of units (%)", layers, series, thresholds, flagged);
    }

    /** A flag's kind, with its step when it is not one of the initial values': {@code exploding (step 3)}. */
    static String flagText(StepFlag f) {
        return f.flag().kind().label() + (f.step() > 0 ? " (step " + f.step() + ")" : "");
    }

    /** The layer a flag is drawn at: its place, or a param's layer (the node that first uses it). */
    private static String layerOf(FlowReport report, String place) {
        for (LayerStats l : report.layers()) {
            if (l.name().equals(place)) {
                return place;
            }
        }
        for (ParamStats p : report.params()) {
            if (p.name().equals(place)) {
                return p.layer();
            }
        }
        return null;
    }

    /** How many of the layer's params have the value (it is defined for them). */
    private static long valued(LayerStats l, ToDoubleFunction<ParamStats> of) {
        return l.params().stream().filter(p -> defined(p, of.applyAsDouble(p))).count();
    }

    /** A NaN that stands for "undefined" (all-zero data, or an input's update) rather than a NaN gradient. */
    private static boolean defined(ParamStats p, double v) {
        return !(Double.isNaN(v) && (p.dataNorm() == 0 || p.input()));
    }

    /** The largest value of the layer's params (NaN ones left out unless all are), or null when it has none. */
    private static Double largest(LayerStats l, ToDoubleFunction<ParamStats> of) {
        Double best = null;
        for (ParamStats p : l.params()) {
            double v = of.applyAsDouble(p);
            if (!defined(p, v)) {
                continue; // nothing to draw
            }
            if (best == null || v > best || Double.isNaN(v)) {
                best = v;
            }
        }
        return best;
    }

    /** A threshold as the chart writes it: {@code 10}, {@code 1e4}, {@code 1e-7}, {@code 0.05}. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e4) {
            return Long.toString((long) v);
        }
        double e = Math.log10(Math.abs(v));
        if (v > 0 && e == Math.rint(e)) {
            return DecadeAxis.decade((int) e);
        }
        return StepHeatmap.cellText(v); // 0.5, 0.05, 2.5e-9
    }

    private static String pct(double share) {
        return String.format(java.util.Locale.ROOT, "%.0f%%", 100 * share);
    }
}
