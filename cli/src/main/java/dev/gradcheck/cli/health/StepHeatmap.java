package dev.gradcheck.cli.health;

import dev.gradcheck.health.FlowOptions;
import dev.gradcheck.health.FlowReport;
import dev.gradcheck.health.LayerStats;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
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
 * from the input at the top, steps left to right, log10 of the norm in viridis). The colour scale
 * spans the bulk of the norms (their 10th to 90th percentile, in whole decades, within the
 * vanishing and exploding bounds), so one extreme value cannot stretch it until a jump of three
 * decades looks like no change: a norm beyond it is drawn in the scale's end colour and marked
 * {@code ▲} or {@code ▼}. A norm below the vanishing bound is sky blue, a zero light grey, a NaN or
 * infinity black; small grids write each norm in its cell. The loss's own gradient (always 1) is
 * left out.
 */
final class StepHeatmap {
    static final Color ZERO = new Color(0xD9, 0xD9, 0xD9);
    static final Color NON_FINITE = Color.BLACK;
    static final Color BELOW_VANISHING = Palette.SKY;
    static final String ABOVE_MARK = "▲";
    static final String BELOW_MARK = "▼";
    /** The share of norms left out at each end when the colour scale is fitted to the bulk. */
    private static final double TAIL = 0.10;
    /** Up to this many steps, each cell has its norm written in it; up to {@link #MARKED_STEPS}, its mark. */
    private static final int LABELLED_STEPS = 16;
    private static final int MARKED_STEPS = 60;
    private static final int LABELLED_LAYERS = 30;
    private static final Font CELL_FONT = new Font("SansSerif", Font.PLAIN, 10);

    /** How a norm is coloured. */
    enum Kind { ZERO, BELOW_VANISHING, BELOW_SCALE, ON_SCALE, ABOVE_SCALE, NON_FINITE }

    private StepHeatmap() {
    }

    /** The layers drawn: those the gradient flows to, the loss's own left out (d loss / d loss is 1). */
    static List<String> layers(FlowReport first) {
        List<String> out = new ArrayList<>();
        for (LayerStats l : first.layers()) {
            if (l.gradFlows() && !l.name().equals(first.output())) {
                out.add(l.name());
            }
        }
        return out;
    }

    static JFreeChart chart(List<FlowReport> steps) {
        List<String> layers = layers(steps.get(0));
        double[][] norms = new double[steps.size()][layers.size()];
        for (int s = 0; s < steps.size(); s++) {
            for (int i = 0; i < layers.size(); i++) {
                norms[s][i] = norm(steps.get(s), layers.get(i));
            }
        }
        FlowOptions o = steps.get(0).options();
        Scale scale = Scale.fit(norms, o.vanishingNorm(), o.explodingNorm());
        int n = steps.size() * layers.size();
        double[][] xyz = new double[3][n];
        int k = 0;
        for (int s = 0; s < steps.size(); s++) {
            for (int i = 0; i < layers.size(); i++) {
                xyz[0][k] = s;
                xyz[1][k] = layers.size() - 1 - i; // the input's side at the top, as the flow tables list them
                xyz[2][k] = scale.z(norms[s][i]);
                k++;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("log10 gradient norm", xyz);
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
        annotate(plot, norms, scale, layers.size());
        JFreeChart chart = new JFreeChart("layer gradient norm over training", JFreeChart.DEFAULT_TITLE_FONT, plot,
                false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis legendAxis = new NumberAxis("gradient norm");
        legendAxis.setRange(scale.lo(), scale.hi());
        legendAxis.setTickUnit(new NumberTickUnit(Math.max(1, Math.ceil((scale.hi() - scale.lo()) / 8)),
                new DecadeLabels()));
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        legend.setStripWidth(14);
        legend.setMargin(4, 8, 4, 8);
        chart.addSubtitle(legend);
        chart.addSubtitle(new TextTitle(key(o)));
        return chart;
    }

    /** The words under the title: what the colours outside the scale and the marks mean. */
    static String key(FlowOptions o) {
        return "light grey: zero gradient; "
                + (o.vanishingNorm() > 0 ? "sky blue: below the vanishing bound " + FlowChart.num(o.vanishingNorm())
                        + "; " : "")
                + "black: NaN or Inf\n" + ABOVE_MARK + " / " + BELOW_MARK
                + ": above / below the colour scale, drawn in its end colour";
    }

    /** The norm in each cell of a small grid, or the mark of one beyond the colour scale in a larger one. */
    private static void annotate(XYPlot plot, double[][] norms, Scale scale, int layers) {
        int steps = norms.length;
        if (steps > MARKED_STEPS || layers > LABELLED_LAYERS) {
            return; // cells too small for text
        }
        boolean numbers = steps <= LABELLED_STEPS;
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < layers; i++) {
                double v = norms[s][i];
                Kind kind = scale.kind(v);
                String mark = kind == Kind.ABOVE_SCALE ? ABOVE_MARK : kind == Kind.BELOW_SCALE ? BELOW_MARK : "";
                String text = numbers ? (cellText(v) + (mark.isEmpty() ? "" : " " + mark)) : mark;
                if (text.isEmpty()) {
                    continue;
                }
                XYTextAnnotation a = new XYTextAnnotation(text, s, layers - 1 - i);
                a.setFont(CELL_FONT);
                a.setPaint(scale.textOn(v));
                plot.addAnnotation(a);
            }
        }
    }

    /** A norm in at most about seven characters: {@code 0.171}, {@code 212}, {@code 2.6e-72}, {@code 0}, {@code NaN}. */
    static String cellText(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e-3 && a < 1e4) {
            return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        }
        String s = String.format(Locale.ROOT, "%.1e", v); // 2.6e-72, 3.0e+05
        String mantissa = s.substring(0, s.indexOf('e')).replace(".0", "");
        int exponent = Integer.parseInt(s.substring(s.indexOf('e') + 1));
        return mantissa + "e" + exponent;
    }

    private static double norm(FlowReport r, String layer) {
        for (LayerStats l : r.layers()) {
            if (l.name().equals(layer)) {
                return l.gradNorm();
            }
        }
        return Double.NaN;
    }

    /**
     * Viridis over [lo, hi] (log10 of the norm); the colours of the norms off it are told apart by
     * their z: each class gets a z of its own outside [lo, hi].
     */
    record Scale(double lo, double hi, double vanishing) implements PaintScale {
        /**
         * The bulk of the finite norms at or above the vanishing bound (when there is one): from the
         * 10th to the 90th percentile of their log10, widened to whole decades and kept within the
         * bounds, at least one decade wide.
         */
        static Scale fit(double[][] norms, double vanishing, double exploding) {
            double[] logs = Arrays.stream(norms).flatMapToDouble(Arrays::stream)
                    .filter(v -> Double.isFinite(v) && v > 0 && v >= vanishing).map(Math::log10).sorted().toArray();
            double lo;
            double hi;
            if (logs.length == 0) {
                lo = -1;
                hi = 1;
            } else {
                lo = Math.floor(logs[(int) Math.floor(TAIL * (logs.length - 1))]);
                hi = Math.ceil(logs[(int) Math.ceil((1 - TAIL) * (logs.length - 1))]);
            }
            if (vanishing > 0) {
                lo = Math.max(lo, Math.floor(Math.log10(vanishing)));
            }
            double top = Math.ceil(Math.log10(exploding));
            hi = Math.min(hi, top);
            if (hi < lo + 1) {
                if (lo + 1 <= top) {
                    hi = lo + 1;
                } else {
                    lo = hi - 1;
                }
            }
            return new Scale(lo, hi, vanishing);
        }

        Kind kind(double v) {
            if (!Double.isFinite(v)) {
                return Kind.NON_FINITE;
            }
            if (v <= 0) {
                return Kind.ZERO;
            }
            if (v < vanishing) {
                return Kind.BELOW_VANISHING;
            }
            double lg = Math.log10(v);
            return lg < lo ? Kind.BELOW_SCALE : lg > hi ? Kind.ABOVE_SCALE : Kind.ON_SCALE;
        }

        /** The z a norm is drawn at: its log10 on the scale, the other kinds each at a z of their own. */
        double z(double v) {
            return switch (kind(v)) {
                case ON_SCALE -> Math.log10(v);
                case BELOW_SCALE -> lo - 1;
                case ABOVE_SCALE -> hi + 1;
                case BELOW_VANISHING -> lo - 2;
                case ZERO -> lo - 3;
                case NON_FINITE -> hi + 2;
            };
        }

        @Override
        public double getLowerBound() {
            return lo;
        }

        @Override
        public double getUpperBound() {
            return hi;
        }

        @Override
        public Paint getPaint(double z) {
            if (z < lo - 2.5) {
                return ZERO;
            }
            if (z < lo - 1.5) {
                return BELOW_VANISHING;
            }
            if (z > hi + 1.5) {
                return NON_FINITE;
            }
            return Palette.viridis((Math.max(lo, Math.min(hi, z)) - lo) / (hi - lo));
        }

        /** Dark text on light cells, white on dark ones. */
        Color textOn(double v) {
            Paint p = getPaint(z(v));
            Color c = p instanceof Color col ? col : Color.WHITE;
            double luminance = 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
            return luminance > 128 ? Palette.INK : Color.WHITE;
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
