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
 * row above the largest ({@code NaN/Inf}), so neither silently drops out of a log scale.
 */
final class DecadeAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;

    /** The exponent of the zero row. */
    private final int zeroRow;
    /** The exponent of the NaN/Inf row, or {@link Integer#MAX_VALUE} when there is none. */
    private final int nonFiniteRow;

    /**
     * @param label the axis label
     * @param lowest the smallest positive finite log10 shown (a value or a threshold)
     * @param highest the largest finite log10 shown
     * @param nonFinite whether a NaN/Inf row is needed
     */
    DecadeAxis(String label, double lowest, double highest, boolean nonFinite) {
        super(label);
        int lo = (int) Math.floor(lowest);
        int hi = (int) Math.ceil(highest);
        if (hi <= lo) {
            hi = lo + 1;
        }
        // at most about ten labelled decades: a coarser step on a wide range
        int step = Math.max(1, (int) Math.ceil((hi - lo + 2) / 10.0));
        this.zeroRow = Math.floorDiv(lo - 1, step) * step;
        hi = Math.floorDiv(hi + step - 1, step) * step;
        this.nonFiniteRow = nonFinite ? hi + step : Integer.MAX_VALUE;
        setAutoRange(false);
        // room for the marks framing a value on the 0 and NaN/Inf rows
        setRange(zeroRow - 0.55 * step, (nonFinite ? nonFiniteRow + 0.55 * step : hi + 0.4 * step));
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
