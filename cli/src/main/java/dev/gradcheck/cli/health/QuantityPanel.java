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
 * {@code 0} row, framed by a downward triangle, and a NaN or infinity on its {@code NaN/Inf} row,
 * framed by a cross, so that neither can vanish from the picture; a panel spans at most
 * {@link #MAX_DECADES} decades around its thresholds, and a value beyond sits on a {@code <} or
 * {@code >} row, framed by a chevron pointing its way; the series' own marks stay
 * visible inside the frames, and lines stop at those rows. A series' marks differ by shape, size
 * and fill from the others', so that equal values never hide one another.
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
    static final String BELOW = "below the axis (on the < row)";
    static final String ABOVE = "above the axis (on the > row)";
    /**
     * The most decades a log panel spans: a wider range (a ratio of 1e-253) made the step so
     * coarse that thresholds four decades apart were drawn on one another and a value 250
     * decades below the rest sat on the 0 row; what lies beyond goes on a row of its own.
     */
    static final int MAX_DECADES = 16;
    /**
     * The series' marks, by position in the panel: a filled dot, then outlines each larger than
     * the marks before it, so that series with the same value at a layer all stay visible.
     */
    private static final Shape[] SHAPES = {new Ellipse2D.Double(-4, -4, 8, 8), new Rectangle2D.Double(-5.5, -5.5, 11, 11),
        diamond(10), new Ellipse2D.Double(-3, -3, 6, 6)};
    private static final boolean[] FILLED = {true, false, false, true};
    private static final Shape[] SHARE_SHAPES = {new Rectangle2D.Double(-4, -4, 8, 8), diamond(5)};

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
        double tLo = Double.POSITIVE_INFINITY;
        double tHi = Double.NEGATIVE_INFINITY;
        for (Threshold t : thresholds) {
            tLo = Math.min(tLo, Math.log10(t.value()));
            tHi = Math.max(tHi, Math.log10(t.value()));
        }
        lowest = Math.min(lowest, tLo);
        highest = Math.max(highest, tHi);
        if (lowest > highest) {
            lowest = -1;
            highest = 1;
        }
        double[] window = window(lowest, highest, tLo <= tHi ? tLo : highest, tLo <= tHi ? tHi : highest);
        double wLo = window[0];
        double wHi = window[1];
        boolean below = wLo > lowest;
        boolean above = wHi < highest;
        DecadeAxis axis = new DecadeAxis(axisLabel, wLo, wHi, nonFinite, below, above);
        // a value is on the log scale when it is positive, finite and inside the window
        java.util.function.DoublePredicate inWindow = v -> Double.isFinite(v) && v > 0
                && Math.log10(v) >= Math.floor(wLo) && Math.log10(v) <= Math.ceil(wHi);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        boolean anyZero = false;
        // each series twice: its values on the log scale, joined by its line, then (in a row of the
        // dataset of its own, same marks, no line, not in the legend) those on the 0 and NaN/Inf
        // rows, so that no line runs from such a row to a value as if there were a slope between them
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            for (String layer : layers) {
                Double v = s.values().get(layer);
                data.addValue(v != null && inWindow.test(v) ? Math.log10(v) : null, s.name(), layer);
                anyZero |= v != null && Double.isFinite(v) && v <= 0;
            }
            style(r, k, s.colour(), k, s.lines());
            // a series with nothing to draw in this panel (e.g. no layer has two params) has no legend entry
            r.setSeriesVisibleInLegend(k, s.values().values().stream().anyMatch(java.util.Objects::nonNull));
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            for (String layer : layers) {
                Double v = s.values().get(layer);
                Double y = null;
                if (v != null && !Double.isFinite(v)) {
                    y = axis.nonFiniteRow();
                } else if (v != null && v <= 0) {
                    y = axis.zeroRow();
                } else if (v != null && !inWindow.test(v)) {
                    y = Math.log10(v) < wLo ? axis.belowRow() : axis.aboveRow();
                }
                data.addValue(y, onRows(s), layer);
            }
            style(r, series.size() + k, s.colour(), k, false);
            r.setSeriesVisibleInLegend(series.size() + k, false);
        }
        // the zeros and the non-finite values marked again, by an outline around the marks, which
        // stay visible inside it: it says that a value is zero or NaN, the mark says which one is
        int k = 2 * series.size();
        if (anyZero) {
            overlay(data, series, layers, ZERO, v -> Double.isFinite(v) && v <= 0, axis.zeroRow());
            outline(r, k++, Palette.INK, triangleDown());
        }
        if (nonFinite) {
            overlay(data, series, layers, NON_FINITE, v -> !Double.isFinite(v), axis.nonFiniteRow());
            outline(r, k++, Palette.VERMILLION, burst());
        }
        if (below) {
            overlay(data, series, layers, BELOW, v -> Double.isFinite(v) && v > 0 && Math.log10(v) < wLo,
                    axis.belowRow());
            outline(r, k++, Palette.INK, chevron(1));
        }
        if (above) {
            overlay(data, series, layers, ABOVE, v -> Double.isFinite(v) && Math.log10(v) > wHi, axis.aboveRow());
            outline(r, k++, Palette.INK, chevron(-1));
        }
        CategoryPlot plot = new CategoryPlot(data, null, axis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        for (Threshold t : thresholds) {
            plot.addRangeMarker(threshold(Math.log10(t.value()), t.label(), labelBelow(t, thresholds)));
        }
        plot.addRangeMarker(row(axis.zeroRow()), Layer.BACKGROUND);
        if (nonFinite) {
            plot.addRangeMarker(row(axis.nonFiniteRow()), Layer.BACKGROUND);
        }
        if (below) {
            plot.addRangeMarker(row(axis.belowRow()), Layer.BACKGROUND);
        }
        if (above) {
            plot.addRangeMarker(row(axis.aboveRow()), Layer.BACKGROUND);
        }
        shade(plot, flagged);
        return plot;
    }

    /**
     * The decades shown, {lo, hi}: the whole range when it spans at most {@link #MAX_DECADES},
     * else that many around the thresholds {@code [tLo, tHi]} (what a reader judges against),
     * shifted inside the range where one side has nothing to show.
     */
    static double[] window(double lowest, double highest, double tLo, double tHi) {
        if (highest - lowest <= MAX_DECADES) {
            return new double[] {lowest, highest};
        }
        double spare = Math.max(0, MAX_DECADES - (tHi - tLo)) / 2;
        double lo = tLo - spare;
        double hi = tHi + spare;
        if (lo < lowest) {
            hi = Math.min(highest, hi + (lowest - lo));
            lo = lowest;
        }
        if (hi > highest) {
            lo = Math.max(lowest, lo - (hi - highest));
            hi = highest;
        }
        return new double[] {lo, hi};
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
            // a layer has one share or the other (dead ReLU, saturated): filled marks never meet
            style(r, k, s.colour(), SHARE_SHAPES[k % SHARE_SHAPES.length], true, false);
            k++;
        }
        NumberAxis axis = new NumberAxis(axisLabel);
        axis.setRange(-5, 105);
        axis.setTickUnit(new NumberTickUnit(25));
        CategoryPlot plot = new CategoryPlot(data, null, axis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        for (Threshold t : thresholds) {
            plot.addRangeMarker(threshold(100 * t.value(), t.label(), labelBelow(t, thresholds)));
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

    /** The key of the dataset row holding {@code s}'s values on the 0 and NaN/Inf rows. */
    static String onRows(Series s) {
        return s.name() + " (on the 0 or NaN/Inf row)";
    }

    /** The look of the {@code mark}-th series of a log panel: a filled mark, then ever larger outlines. */
    private static void style(LineAndShapeRenderer r, int k, Color colour, int mark, boolean lines) {
        style(r, k, colour, SHAPES[mark % SHAPES.length], FILLED[mark % FILLED.length], lines);
    }

    private static void style(LineAndShapeRenderer r, int k, Color colour, Shape shape, boolean filled,
            boolean lines) {
        r.setSeriesPaint(k, colour);
        r.setSeriesShape(k, shape);
        r.setSeriesLinesVisible(k, lines);
        r.setSeriesShapesFilled(k, filled);
        r.setSeriesStroke(k, new BasicStroke(2f));
        r.setSeriesOutlineStroke(k, new BasicStroke(2f));
    }

    private static void outline(LineAndShapeRenderer r, int k, Color colour, Shape shape) {
        r.setSeriesPaint(k, colour);
        r.setSeriesShape(k, shape);
        r.setSeriesLinesVisible(k, false);
        r.setSeriesShapesFilled(k, false);
        r.setSeriesOutlineStroke(k, new BasicStroke(1.6f));
    }

    private static void shade(CategoryPlot plot, Collection<String> flagged) {
        for (String layer : flagged) {
            CategoryMarker m = new CategoryMarker(layer, Palette.FLAG_BAND, new BasicStroke(1f));
            m.setDrawAsLine(false);
            m.setAlpha(1f);
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
    }

    /**
     * Whether {@code t}'s label goes under its line: the lowest of two or more thresholds, so
     * that the labels of a pair a few decades apart (shrinks and grows more than 10x) never meet.
     */
    private static boolean labelBelow(Threshold t, List<Threshold> thresholds) {
        return thresholds.size() > 1 && thresholds.stream().allMatch(o -> o == t || o.value() > t.value());
    }

    private static ValueMarker threshold(double y, String label, boolean below) {
        ValueMarker m = new ValueMarker(y, Palette.VERMILLION, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
        m.setLabelPaint(Palette.INK);
        m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        m.setLabelAnchor(below ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(below ? TextAnchor.TOP_RIGHT : TextAnchor.BOTTOM_RIGHT);
        return m;
    }

    private static ValueMarker row(double y) {
        return new ValueMarker(y, Palette.GREY, new BasicStroke(0.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {1f, 3f}, 0f));
    }

    /** A downward triangle around a mark: the marks fit inside (the 11-pixel square touches it). */
    private static Shape triangleDown() {
        Path2D p = new Path2D.Double();
        p.moveTo(-13, -8);
        p.lineTo(13, -8);
        p.lineTo(0, 15);
        p.closePath();
        return p;
    }

    /** Four short diagonal strokes around a mark, a cross with the mark at its open centre. */
    private static Shape burst() {
        Path2D p = new Path2D.Double();
        double in = 7.5;
        double out = 12;
        for (int sx = -1; sx <= 1; sx += 2) {
            for (int sy = -1; sy <= 1; sy += 2) {
                p.moveTo(sx * in, sy * in);
                p.lineTo(sx * out, sy * out);
            }
        }
        return p;
    }

    /**
     * A chevron around a mark pointing where the value lies beyond the axis: {@code 1} down (below
     * the window), {@code -1} up.
     */
    private static Shape chevron(int down) {
        Path2D p = new Path2D.Double();
        p.moveTo(-12, 9 * down);
        p.lineTo(0, 17 * down);
        p.lineTo(12, 9 * down);
        p.moveTo(-12, -9 * down);
        p.lineTo(12, -9 * down);
        return p;
    }

    /** A diamond of half-diagonal {@code r} (10: an outline around the 11-pixel square). */
    private static Shape diamond(double r) {
        Path2D p = new Path2D.Double();
        p.moveTo(0, -r);
        p.lineTo(r, 0);
        p.lineTo(0, r);
        p.lineTo(-r, 0);
        p.closePath();
        return p;
    }
}
