package dev.gradcheck.cli.health;

import dev.gradcheck.health.FlowReport;
import dev.gradcheck.health.LayerStats;
import dev.gradcheck.health.ParamStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * The {@code flow --svg} chart, drawn by JFreeChart and exported by JFreeSVG: per layer (in
 * forward order), the gradient norm and the largest param gradient norm on a log axis, and below
 * it the layer-to-layer gradient ratio and the params' grad:data ratio, with the exploding and
 * vanishing thresholds as dashed lines. Zero values cannot sit on a log axis and are left as gaps.
 */
public final class FlowChart {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 640;
    /** The smallest value a log axis shows. */
    private static final double FLOOR = 1e-300;

    private FlowChart() {
    }

    /** The chart of {@code report} as an SVG document. */
    public static String svg(FlowReport report, String title) {
        System.setProperty("java.awt.headless", "true");
        JFreeChart chart = chart(report, title);
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g2.getSVGDocument();
    }

    /** The chart itself (for other renderings). */
    public static JFreeChart chart(FlowReport report, String title) {
        DefaultCategoryDataset norms = new DefaultCategoryDataset();
        DefaultCategoryDataset ratios = new DefaultCategoryDataset();
        for (LayerStats l : report.layers()) {
            if (!l.gradFlows()) {
                continue;
            }
            norms.addValue(positive(l.gradNorm()), "layer gradient norm", l.name());
            double paramNorm = l.params().stream().mapToDouble(ParamStats::gradNorm).max().orElse(Double.NaN);
            norms.addValue(positive(paramNorm), "largest param gradient norm", l.name());
            ratios.addValue(positive(l.gradRatio()),
                    "gradient ratio to the next layer", l.name());
            double gd = l.params().stream().mapToDouble(ParamStats::gradDataRatio).filter(v -> !Double.isNaN(v)).max()
                    .orElse(Double.NaN);
            ratios.addValue(positive(gd), "largest param grad:data ratio", l.name());
        }
        CategoryPlot top = new CategoryPlot(norms, null, logAxis("gradient norm"), renderer());
        top.addRangeMarker(marker(report.options().explodingNorm(), "exploding above"));
        top.addRangeMarker(marker(report.options().vanishingNorm(), "vanishing below"));
        CategoryPlot bottom = new CategoryPlot(ratios, null, logAxis("ratio"), renderer());
        bottom.addRangeMarker(marker(report.options().growth(), "grows > " + report.options().growth() + "x"));
        bottom.addRangeMarker(marker(1 / report.options().shrink(), "shrinks > " + report.options().shrink() + "x"));
        CategoryAxis layers = new CategoryAxis("layer (forward order)");
        // upright labels stay searchable <text> in the SVG; many layers need the room of slanted ones
        layers.setCategoryLabelPositions(norms.getColumnCount() > 12 ? CategoryLabelPositions.UP_45
                : CategoryLabelPositions.STANDARD);
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(layers);
        plot.add(top, 3);
        plot.add(bottom, 2);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A value a log axis can show: zeros and NaN become gaps (null), infinities the largest double. */
    private static Double positive(double v) {
        if (Double.isNaN(v) || v <= 0) {
            return null;
        }
        return Double.isInfinite(v) ? Double.MAX_VALUE : v;
    }

    /** Lines for the layer series, markers only for the param series; colours readable on white. */
    private static LineAndShapeRenderer renderer() {
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4));
        r.setSeriesPaint(1, new Color(0xff, 0x7f, 0x0e));
        r.setSeriesLinesVisible(1, false);
        return r;
    }

    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setSmallestValue(FLOOR);
        return a;
    }

    private static ValueMarker marker(double value, String label) {
        ValueMarker m = new ValueMarker(value, Color.RED, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {4f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelPaint(Color.RED);
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        return m;
    }
}
