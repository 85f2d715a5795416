package dev.gradcheck.cli.health;

import dev.gradcheck.health.FlowReport;
import dev.gradcheck.health.LayerStats;
import java.awt.Color;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * {@code flow --steps N}: each layer's gradient norm at each training step as a heatmap (layers
 * from the input at the top, steps left to right, log10 of the norm in viridis), a zero gradient
 * in light grey and a NaN or infinity in black, each named in the legend.
 */
final class StepHeatmap {
    static final Color ZERO = new Color(0xD9, 0xD9, 0xD9);
    static final Color NON_FINITE = Color.BLACK;

    private StepHeatmap() {
    }

    static JFreeChart chart(List<FlowReport> steps) {
        List<String> layers = new ArrayList<>();
        for (LayerStats l : steps.get(0).layers()) {
            if (l.gradFlows()) {
                layers.add(l.name());
            }
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (FlowReport r : steps) {
            for (LayerStats l : r.layers()) {
                if (l.gradFlows() && Double.isFinite(l.gradNorm()) && l.gradNorm() > 0) {
                    lo = Math.min(lo, Math.log10(l.gradNorm()));
                    hi = Math.max(hi, Math.log10(l.gradNorm()));
                }
            }
        }
        if (!(lo <= hi)) {
            lo = -1;
            hi = 1;
        }
        lo = Math.floor(lo);
        hi = Math.max(lo + 1, Math.ceil(hi));
        int n = steps.size() * layers.size();
        double[][] xyz = new double[3][n];
        int k = 0;
        for (int s = 0; s < steps.size(); s++) {
            for (int i = 0; i < layers.size(); i++) {
                double norm = norm(steps.get(s), layers.get(i));
                xyz[0][k] = s;
                xyz[1][k] = layers.size() - 1 - i; // the input's side at the top, as the flow tables list them
                xyz[2][k] = !Double.isFinite(norm) ? hi + 1 : norm <= 0 ? lo - 1 : Math.log10(norm);
                k++;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("log10 gradient norm", xyz);
        Scale scale = new Scale(lo, hi);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        r.setBlockWidth(1);
        r.setBlockHeight(1);
        NumberAxis x = new NumberAxis("training step (plain SGD)");
        x.setRange(-0.5, steps.size() - 0.5);
        x.setTickUnit(new NumberTickUnit(Math.max(1, (int) Math.ceil(steps.size() / 20.0))));
        String[] names = new String[layers.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = layers.get(layers.size() - 1 - i);
        }
        SymbolAxis y = new SymbolAxis("layer", names);
        y.setGridBandsVisible(false);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart("layer gradient norm over training", JFreeChart.DEFAULT_TITLE_FONT, plot,
                false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis legendAxis = new NumberAxis("gradient norm");
        legendAxis.setRange(lo, hi);
        legendAxis.setTickUnit(new NumberTickUnit(Math.max(1, Math.ceil((hi - lo) / 8)), new DecadeLabels()));
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        legend.setStripWidth(14);
        legend.setMargin(4, 8, 4, 8);
        chart.addSubtitle(legend);
        chart.addSubtitle(new TextTitle("light grey: zero gradient; black: NaN or Inf"));
        return chart;
    }

    private static double norm(FlowReport r, String layer) {
        for (LayerStats l : r.layers()) {
            if (l.name().equals(layer)) {
                return l.gradNorm();
            }
        }
        return Double.NaN;
    }

    /** Viridis over [lo, hi]; below it (a zero) light grey, above it (NaN or Inf) black. */
    private record Scale(double lo, double hi) implements PaintScale {
        @Override
        public double getLowerBound() {
            return lo;
        }

        @Override
        public double getUpperBound() {
            return hi;
        }

        @Override
        public Paint getPaint(double value) {
            if (value < lo - 0.5) {
                return ZERO;
            }
            if (value > hi + 0.5) {
                return NON_FINITE;
            }
            return Palette.viridis((value - lo) / (hi - lo));
        }
    }

    /** Decade labels for the colour bar. */
    private static final class DecadeLabels extends java.text.NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, java.text.FieldPosition pos) {
            return toAppendTo.append(DecadeAxis.decade((int) Math.round(number)));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, java.text.FieldPosition pos) {
            return format((double) number, toAppendTo, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition parsePosition) {
            return null;
        }
    }
}
