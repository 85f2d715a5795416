package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.internal.Indexing;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one builder of the diagnoser's wording: numbers, factors, counts and the phrases the findings
 * share, so every diagnosis reads alike.
 */
final class Wording {
    private Wording() {
    }

    /** A number in at most 6 significant digits, without trailing zeros: 20, 0.32, -1.5e-07. */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        double abs = Math.abs(v);
        return abs >= 1e-4 && abs < 1e9 ? d.toPlainString() : d.toString().replace("E", "e");
    }

    /** Rounded to three significant digits, then written as {@link #plain}: 0.333, 20, -1.5e-07 (not 20.0). */
    static String plain3(double v) {
        return plain(Double.parseDouble(num(v)));
    }

    /** Three significant digits: 0.123, 1.00e-06. */
    static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** An index: [1, 2]. */
    static String index(int[] idx) {
        return Indexing.format(idx);
    }

    /** "1 entry", "3 entries". */
    /** "2 and 3", "1, 2 and 3". */
    static String and(java.util.List<Integer> v) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < v.size(); j++) {
            b.append(j == 0 ? "" : j == v.size() - 1 ? " and " : ", ").append(v.get(j));
        }
        return b.toString();
    }

    static String entries(int k) {
        return k + (k == 1 ? " entry" : " entries");
    }

    /**
     * The factor c as printed: "2.0" for an integer, "0.125" for 1/8, otherwise enough digits to
     * show how far c is from the nearest integer (1.0001, not "1").
     */
    static String factor(double c) {
        double r = Math.rint(c);
        if (Math.abs(c - r) <= 1e-6 * Math.abs(c)) {
            return String.format(Locale.ROOT, "%.1f", r);
        }
        int digits = 4;
        if (r != 0) {
            digits = Math.max(4, Math.min(12, (int) Math.ceil(-Math.log10(Math.abs(c - r) / Math.abs(c))) + 2));
        }
        return new BigDecimal(c).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    /**
     * What "analytic = c x numeric" means, for a c known to relative precision {@code relTol}:
     * a flipped sign, an extra or a missing factor, or a wrong constant.
     */
    static String factorCause(double c, double relTol, String every) {
        double rc = Math.rint(c);
        // a c within relTol of 1 is no extra (or missing) factor of 1: it is a constant slightly off
        boolean integral = rc != 0 && rc != 1 && Math.abs(c - rc) <= relTol * Math.abs(c);
        double inv = 1 / c;
        boolean inverseIntegral = Math.rint(inv) != 1 && Math.abs(inv - Math.rint(inv)) <= relTol * Math.abs(inv);
        if (integral && rc == -1) {
            return "sign flipped: analytic = -numeric" + every;
        }
        String cs = integral ? String.format(Locale.ROOT, "%.1f", rc) : inverseIntegral ? factor(1 / Math.rint(inv))
                : factor(c);
        if (integral && rc < 0) {
            return "sign flipped and scaled: analytic = " + cs + " x numeric" + every
                    + ": a flipped sign and an extra factor of " + (long) -rc;
        }
        if (integral) {
            return "analytic = " + cs + " x numeric" + every + ": an extra factor of " + (long) rc
                    + " (e.g. a sum instead of a mean over a batch of " + (long) rc
                    + (rc == 2 ? ", a doubled term" : ", a term counted " + (long) rc + " times")
                    + ", or a scale constant left out, such as attention's 1/√d or a temperature)";
        }
        if (inverseIntegral) {
            long k = (long) Math.rint(inv);
            return "analytic = " + cs + " x numeric" + every + ": a missing factor of " + Math.abs(k)
                    + (k < 0 ? " and a flipped sign" : "") + " (e.g. divided by the batch size " + Math.abs(k)
                    + " once too often, a scale constant applied twice, such as attention's 1/√d or a temperature, or a"
                    + " forgotten factor)";
        }
        long square = integralSquare(c, relTol);
        if (square > 0) {
            boolean extra = Math.abs(c) > 1;
            return "analytic = " + cs + " x numeric" + every + (c < 0 ? ": a flipped sign and " : ": ")
                    + (extra ? "an extra" : "a missing") + " factor of √" + square + (extra
                    ? " (e.g. a scale constant left out, such as attention's 1/√d, or a standard deviation's √n)"
                    : " (e.g. a scale constant applied twice, such as attention's 1/√d)");
        }
        String frac = fraction(c, relTol);
        if (frac != null) {
            return "analytic = " + cs + " x numeric" + every + " (" + frac + "): a wrong constant factor";
        }
        if (Math.abs(c - 1) < 1e-2) {
            return "analytic = " + cs + " x numeric" + every + ": a constant slightly off (relative error "
                    + String.format(Locale.ROOT, "%.1e", c - 1) + ": a rounded constant, e.g. 0.1667 for 1/6 or 3.1416"
                    + " for π?)";
        }
        return "analytic = " + cs + " x numeric" + every + ": a wrong constant factor";
    }

    /**
     * Which dimensions of the inputs an integral factor (or its inverse) k matches, as k or as √k²:
     * "; the factor 4 is the size of dim 0 of X [4, 3]", "; the factor 2 = √4, 4 the size of dim 1 of
     * X [3, 4] and of dims 0, 1 of Wq [4, 4]"; "" when c is no integer or inverse integer of 2 or
     * more, or no dimension matches. A coincidence of sizes, worded as one: it says which dimension
     * to look at, not that it is the cause.
     */
    static String dimensionMatch(double c, double relTol, String[] names, int[][] shapes) {
        double k = Math.abs(c) >= 1 ? Math.abs(c) : 1 / Math.abs(c);
        long rk = Math.round(k);
        if (names.length != shapes.length) {
            return "";
        }
        if (rk < 2 || Math.abs(k - rk) > relTol * k) {
            long square = integralSquare(k, relTol);
            String root = square > 0 ? dimensionsOfSize(square, names, shapes) : "";
            return root.isEmpty() ? "" : "; the factor " + factor(k) + " = √" + square + ", " + square + " the size of "
                    + root;
        }
        String exact = dimensionsOfSize(rk, names, shapes);
        if (!exact.isEmpty()) {
            return "; the factor " + rk + " is the size of " + exact;
        }
        String root = rk <= 46340 ? dimensionsOfSize(rk * rk, names, shapes) : "";
        return root.isEmpty() ? "" : "; the factor " + rk + " = √" + rk * rk + ", " + rk * rk + " the size of " + root;
    }

    /**
     * "dim 1 of X [3, 4] and of Wq, Wk [4, 4]" for the dimensions of size n, inputs of one shape
     * named together (every dimension matching: the shape alone), or "".
     */
    private static String dimensionsOfSize(long n, String[] names, int[][] shapes) {
        record Place(String dims, String shape) {
        }
        Map<Place, List<String>> byDims = new LinkedHashMap<>();
        for (int i = 0; i < shapes.length; i++) {
            List<String> dims = new ArrayList<>();
            for (int d = 0; d < shapes[i].length; d++) {
                if (shapes[i][d] == n) {
                    dims.add(Integer.toString(d));
                }
            }
            if (!dims.isEmpty()) {
                String which = dims.size() == shapes[i].length ? "" : (dims.size() == 1 ? "dim " : "dims ")
                        + String.join(", ", dims) + " of ";
                byDims.computeIfAbsent(new Place(which, Arrays.toString(shapes[i])), k -> new ArrayList<>()).add(names[i]);
            }
        }
        List<String> parts = new ArrayList<>();
        byDims.forEach((place, inputs) -> parts.add(place.dims() + String.join(", ", inputs) + " " + place.shape()));
        return String.join(" and of ", parts);
    }

    /**
     * n when |c| or 1/|c| is √n for an integer n ≥ 2 that is not a perfect square (√3 = 1.732 from a
     * missing 1/√3), to within relTol (2·relTol on the square) and that tolerance well below 1; else 0.
     */
    static long integralSquare(double c, double relTol) {
        double k = Math.abs(c) >= 1 ? c * c : 1 / (c * c);
        long n = Math.round(k);
        long root = Math.round(Math.sqrt(n));
        // the square must be known far better than the spacing of the integers, or any c would match
        boolean sharp = 2 * relTol * k < 0.1;
        return sharp && n >= 2 && root * root != n && Math.abs(k - n) <= 2 * relTol * k ? n : 0;
    }

    /** c as p/q with q ≤ 12 when it is one to within relTol ("3/2"), else null. */
    static String fraction(double c, double relTol) {
        for (int q = 2; q <= 12; q++) {
            double p = Math.rint(c * q);
            if (p != 0 && Math.abs(c - p / q) <= relTol * Math.abs(c) && gcd((long) Math.abs(p), q) == 1) {
                return (long) p + "/" + q;
            }
        }
        return null;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** "11 of 11 wrong entries have input0 < 0, 0 of 13 right ones". */
    static String regionCounts(Region r, String targetNoun, String otherNoun) {
        return r.targets() + " of " + r.targets() + " " + targetNoun + " have " + r.where() + ", 0 of " + r.others() + " "
                + otherNoun + r.gapNote();
    }
}
