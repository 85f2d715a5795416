package dev.gradcheck.internal;

import dev.gradcheck.Precision;
import dev.gradcheck.internal.diagnosis.FloatGrid;

/**
 * The error of an input none of whose entries could be judged: every numeric estimate failed to
 * settle or could not resolve its value, so nothing about its gradient is known. Such an input is
 * an {@code error}, not a pass: a wrong gradient would read the same (a forward computed in float,
 * or one with noise, skips every entry whatever the backward says). When the forward's outputs are
 * single-precision numbers the message suggests checking the op as one ({@link Precision#FLOAT32}).
 */
final class NoneJudged {
    private NoneJudged() {
    }

    /**
     * @param compared the entries compared (all of them, or SAMPLED mode's sample), every one skipped
     * @param unresolved how many of them were skipped for low resolution (the others did not converge)
     * @param y the forward's output at the point
     */
    static String message(int compared, long skipped, long unresolved, double[] y, Precision precision) {
        String s = "none of the " + compared + " entr" + (compared == 1 ? "y" : "ies") + " could be judged,"
                + " so this input's gradient was not checked: " + InputVerdict.skipCauses(skipped, unresolved);
        if (precision == Precision.FLOAT64 && FloatGrid.allFloats(y)) {
            s += "; the forward's outputs are single-precision (float) numbers, whose rounding (about 6e-8 of each"
                    + " value) no double-precision finite difference can see through: check it as a single-precision"
                    + " op, CheckOptions.withPrecision(Precision.FLOAT32)";
        }
        return s;
    }
}
