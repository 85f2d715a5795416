package dev.gradcheck.cli.health;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryMarker;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * One panel of the flow chart: one quantity per layer, on its own axis, with its own thresholds
 * as dashed lines and the flagged layers shaded. On a log panel a zero is drawn on the axis's
 * {@code 0} row with a downward triangle and a NaN or infinity on its {@code NaN/Inf} row with a
 * cross, in series of their own, so that neither can vanish from the picture.
 */
final class QuantityPanel {
    /**
     * A quantity's values.
     *
     * @param name the legend entry
     * @param values per layer; a layer that is absent has no such value (drawn as a gap)
     * @param colour its colour
     * @param lines whether points are joined (a layer-by-layer quantity) or shapes only
     */
    record Series(String name, Map<String, Double> values, Color colour, boolean lines) {
    }

    /**
     * A threshold line.
     *
     * @param value where (in the quantity's units)
     * @param label what crossing it means, e.g. {@code exploding above 1e4}
     */
    record Threshold(double value, String label) {
    }

    static final String ZERO = "zero (on the 0 row)";
    static final String NON_FINITE = "NaN or Inf (on the NaN/Inf row)";
    private static final Shape[] SHAPES = {new Ellipse2D.Double(-4, -4, 8, 8), new Rectangle2D.Double(-4, -4, 8, 8),
        diamond(), new Ellipse2D.Double(-3, -3, 6, 6)};

    private QuantityPanel() {
    }

    /** A panel on a decade axis. */
    static CategoryPlot log(String axisLabel, List<String> layers, List<Series> series, List<Threshold> thresholds,
            Collection<String> flagged) {
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        boolean nonFinite = false;
        for (Series s : series) {
            for (Double v : s.values().values()) {
                if (v == null) {
                    continue;
                }
                if (!Double.isFinite(v)) {
                    nonFinite = true;
                } else if (v > 0) {
                    lowest = Math.min(lowest, Math.log10(v));
                    highest = Math.max(highest, Math.log10(v));
                }
            }
        }
        for (Threshold t : thresholds) {
            lowest = Math.min(lowest, Math.log10(t.value()));
            highest = Math.max(highest, Math.log10(t.value()));
        }
        if (lowest > highest) {
            lowest = -1;
            highest = 1;
        }
        DecadeAxis axis = new DecadeAxis(axisLabel, lowest, highest, nonFinite);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        int k = 0;
        boolean anyZero = false;
        for (Series s : series) {
            for (String layer : layers) {
                Double v = s.values().get(layer);
                Double y = null;
                if (v != null) {
                    y = !Double.isFinite(v) ? axis.nonFiniteRow() : v <= 0 ? axis.zeroRow() : Math.log10(v);
                    anyZero |= Double.isFinite(v) && v <= 0;
                }
                data.addValue(y, s.name(), layer);
            }
            style(r, k, s.colour(), SHAPES[k % SHAPES.length], s.lines());
            k++;
        }
        // the zeros and the non-finite values again, each marked by a shape of its own
        if (anyZero) {
            overlay(data, series, layers, ZERO, v -> Double.isFinite(v) && v <= 0, axis.zeroRow());
            style(r, k++, Palette.INK, triangleDown(), false);
        }
        if (nonFinite) {
            overlay(data, series, layers, NON_FINITE, v -> !Double.isFinite(v), axis.nonFiniteRow());
            style(r, k++, Palette.VERMILLION, cross(), false);
        }
        CategoryPlot plot = new CategoryPlot(data, null, axis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        for (Threshold t : thresholds) {
            plot.addRangeMarker(threshold(Math.log10(t.value()), t.label()));
        }
        plot.addRangeMarker(row(axis.zeroRow()), Layer.BACKGROUND);
        if (nonFinite) {
            plot.addRangeMarker(row(axis.nonFiniteRow()), Layer.BACKGROUND);
        }
        shade(plot, flagged);
        return plot;
    }

    /** A panel of shares in percent (0 to 100), e.g. dead ReLU units. */
    static CategoryPlot shares(String axisLabel, List<String> layers, List<Series> series, List<Threshold> thresholds,
            Collection<String> flagged) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        LineAndShapeRenderer r = new LineAndShapeRenderer(false, true);
        int k = 0;
        for (Series s : series) {
            for (String layer : layers) {
                Double v = s.values().get(layer);
                data.addValue(v == null || Double.isNaN(v) ? null : 100 * v, s.name(), layer);
            }
            style(r, k, s.colour(), SHAPES[(k + 1) % SHAPES.length], false);
            k++;
        }
        NumberAxis axis = new NumberAxis(axisLabel);
        axis.setRange(-5, 105);
        axis.setTickUnit(new NumberTickUnit(25));
        CategoryPlot plot = new CategoryPlot(data, null, axis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        for (Threshold t : thresholds) {
            plot.addRangeMarker(threshold(100 * t.value(), t.label()));
        }
        shade(plot, flagged);
        return plot;
    }

    private interface Test {
        boolean holds(double v);
    }

    private static void overlay(DefaultCategoryDataset data, List<Series> series, List<String> layers, String name,
            Test test, double row) {
        for (String layer : layers) {
            boolean hit = false;
            for (Series s : series) {
                Double v = s.values().get(layer);
                hit |= v != null && test.holds(v);
            }
            data.addValue(hit ? row : null, name, layer);
        }
    }

    private static void style(LineAndShapeRenderer r, int k, Color colour, Shape shape, boolean lines) {
        r.setSeriesPaint(k, colour);
        r.setSeriesShape(k, shape);
        r.setSeriesLinesVisible(k, lines);
        r.setSeriesShapesFilled(k, true);
        r.setSeriesStroke(k, new BasicStroke(2f));
    }

    private static void shade(CategoryPlot plot, Collection<String> flagged) {
        for (String layer : flagged) {
            CategoryMarker m = new CategoryMarker(layer, Palette.FLAG_BAND, new BasicStroke(1f));
            m.setDrawAsLine(false);
            m.setAlpha(1f);
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
    }

    private static ValueMarker threshold(double y, String label) {
        ValueMarker m = new ValueMarker(y, Palette.VERMILLION, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
        m.setLabelPaint(Palette.INK);
        m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return m;
    }

    private static ValueMarker row(double y) {
        return new ValueMarker(y, Palette.GREY, new BasicStroke(0.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {1f, 3f}, 0f));
    }

    private static Shape triangleDown() {
        Path2D p = new Path2D.Double();
        p.moveTo(-6, -5);
        p.lineTo(6, -5);
        p.lineTo(0, 6);
        p.closePath();
        return p;
    }

    private static Shape cross() {
        Path2D p = new Path2D.Double();
        double a = 6;
        double w = 1.8;
        p.moveTo(-a, -a + w);
        p.lineTo(-a + w, -a);
        p.lineTo(0, -w);
        p.lineTo(a - w, -a);
        p.lineTo(a, -a + w);
        p.lineTo(w, 0);
        p.lineTo(a, a - w);
        p.lineTo(a - w, a);
        p.lineTo(0, w);
        p.lineTo(-a + w, a);
        p.lineTo(-a, a - w);
        p.lineTo(-w, 0);
        p.closePath();
        return p;
    }

    private static Shape diamond() {
        Path2D p = new Path2D.Double();
        p.moveTo(0, -5);
        p.lineTo(5, 0);
        p.lineTo(0, 5);
        p.lineTo(-5, 0);
        p.closePath();
        return p;
    }
}
