package dev.gradcheck.internal;

import java.util.Locale;

/** A draw's magnitude as the diagnoses say it: {@code 10}, {@code 0.5}, {@code 1.00e+03} (after "|x|~"). */
public final class Magnitudes {
    private Magnitudes() {
    }

    /** A whole magnitude without decimals, any other with three significant digits. */
    public static String text(double m) {
        return m == Math.rint(m) ? Long.toString((long) m) : String.format(Locale.ROOT, "%.3g", m);
    }
}
