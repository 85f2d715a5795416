package dev.gradcheck.cli.health;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;

/**
 * A log axis that shows what it means: values are plotted as their log10, ticks fall on whole
 * decades only and read {@code 1e-7}, {@code 1e-1}, {@code 1e0}, {@code 1e1}, {@code 1e4}. Zero sits on
 * its own row below the smallest decade (its tick reads {@code 0}), and NaN and infinities on a
 * row above the largest ({@code NaN/Inf}), so neither silently drops out of a log scale. A window
 * narrower than the values (a ratio of 1e-253 beside thresholds at 1e-7 and 1e4) has a row for
 * the values below it ({@code <1e-12}) and one for those above ({@code >1e16}).
 */
final class DecadeAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;

    /** The exponent of the zero row. */
    private final int zeroRow;
    /** The exponent of the NaN/Inf row, or {@link Integer#MAX_VALUE} when there is none. */
    private final int nonFiniteRow;
    /** The rows of the values below and above the window, or {@link Integer#MAX_VALUE} when there is none. */
    private final int belowRow;
    private final int aboveRow;
    /** The window's ends, the decades of the rows beside them. */
    private final int lo;
    private final int hi;

    /**
     * @param label the axis label
     * @param lowest the smallest positive finite log10 shown (a value or a threshold)
     * @param highest the largest finite log10 shown
     * @param nonFinite whether a NaN/Inf row is needed
     */
    DecadeAxis(String label, double lowest, double highest, boolean nonFinite) {
        this(label, lowest, highest, nonFinite, false, false);
    }

    /**
     * As the other constructor, for a window that leaves values out: {@code below} and
     * {@code above} say whether some lie below {@code lowest} or above {@code highest}, each then
     * drawn on a row of its own beyond the window.
     */
    DecadeAxis(String label, double lowest, double highest, boolean nonFinite, boolean below, boolean above) {
        super(label);
        int lo = (int) Math.floor(lowest);
        int hi = (int) Math.ceil(highest);
        if (hi <= lo) {
            hi = lo + 1;
        }
        // at most about ten labelled decades: a coarser step on a wide range
        int step = Math.max(1, (int) Math.ceil((hi - lo + 2 + (below ? 1 : 0) + (above ? 1 : 0)) / 10.0));
        lo = Math.floorDiv(lo, step) * step;
        hi = Math.floorDiv(hi + step - 1, step) * step;
        this.lo = lo;
        this.hi = hi;
        this.belowRow = below ? lo - step : Integer.MAX_VALUE;
        this.zeroRow = below ? lo - 2 * step : Math.floorDiv(lo - 1, step) * step;
        this.aboveRow = above ? hi + step : Integer.MAX_VALUE;
        int top = above ? aboveRow : hi;
        this.nonFiniteRow = nonFinite ? top + step : Integer.MAX_VALUE;
        setAutoRange(false);
        // room for the marks framing a value on the 0, NaN/Inf and beyond rows
        setRange(zeroRow - 0.55 * step, nonFinite ? nonFiniteRow + 0.55 * step : above ? top + step
                : hi + 0.4 * step);
        setTickUnit(new NumberTickUnit(step, new Labels()));
        setMinorTickCount(0);
    }

    /** Where a zero is drawn. */
    double zeroRow() {
        return zeroRow;
    }

    /** Where a NaN or infinity is drawn. */
    double nonFiniteRow() {
        return nonFiniteRow;
    }

    /** Where a value below the window is drawn. */
    double belowRow() {
        return belowRow;
    }

    /** Where a value above the window is drawn. */
    double aboveRow() {
        return aboveRow;
    }

    /**
     * {@code 1e-7}, …, {@code 1e-1}, {@code 1e0}, {@code 1e1}, …: one format for every decade, so
     * that a reader never compares {@code 0.1} with {@code 1e-2}.
     */
    static String decade(int e) {
        return "1e" + e;
    }

    private final class Labels extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            long e = Math.round(number);
            if (e == zeroRow) {
                return toAppendTo.append('0');
            }
            if (e == nonFiniteRow) {
                return toAppendTo.append("NaN/Inf");
            }
            if (e == belowRow) {
                return toAppendTo.append('<').append(decade(lo));
            }
            if (e == aboveRow) {
                return toAppendTo.append('>').append(decade(hi));
            }
            if (e > nonFiniteRow) {
                return toAppendTo;
            }
            return toAppendTo.append(decade((int) e));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            return format((double) number, toAppendTo, pos);
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            return null;
        }
    }
}
