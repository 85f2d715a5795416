package dev.gradcheck.internal.diagnosis;

import java.util.Arrays;

/**
 * The forward of an op evaluated elsewhere, with the checked input replaced, for the patterns
 * that compare the analytic gradient with the true derivative at another point. Only for ops that
 * are elementwise in that input (output k depends on entry k alone, tested by {@link #elementwise()}):
 * then moving every entry at once gives every entry's derivative from two forward calls.
 */
final class ElementwiseProbe {
    /** The forward with the checked input set to {@code values}; null when it throws or gives the wrong size. */
    @FunctionalInterface
    public interface Forward {
        double[] at(double[] values);

        /** The output at {@code values} when it has {@code size} entries, all finite; else null. */
        default double[] finiteAt(double[] values, int size) {
            double[] y = at(values); // null when the forward throws (this interface's contract)
            if (y == null || y.length != size) {
                return null;
            }
            for (double w : y) {
                if (!Double.isFinite(w)) {
                    return null;
                }
            }
            return y;
        }
    }

    private static final double STEP = 1e-6;

    private final Forward f;
    private final double[] x;
    private final double[] y;
    /** The flat offsets of the evidence's entries. */
    private final int[] flat;
    private Boolean elementwise;

    ElementwiseProbe(Forward f, double[] x, double[] y, int[] flat) {
        this.f = f;
        this.x = x.clone();
        this.y = y.clone();
        this.flat = flat.clone();
    }

    /** The same probe answering for the entries at {@code subset} (flat offsets). */
    ElementwiseProbe restricted(int[] subset) {
        ElementwiseProbe p = new ElementwiseProbe(f, x, y, subset);
        p.elementwise = elementwise;
        return p;
    }

    /** The same probe around another point {@code z} (the forward evaluated there), or null when the forward fails there. */
    ElementwiseProbe around(double[] z) {
        double[] out = f.at(z.clone());
        return out == null || out.length != y.length ? null : new ElementwiseProbe(f, z, out, flat);
    }

    /**
     * True when output k moves with input entry k alone: moving the even entries leaves every odd
     * output bit-identical and moves the even ones, and vice versa (two forward calls each way).
     */
    boolean elementwise() {
        if (elementwise == null) {
            elementwise = x.length >= 2 && y.length == x.length && diagonalOn(0) && diagonalOn(1);
        }
        return elementwise;
    }

    private boolean diagonalOn(int parity) {
        double[] moved = x.clone();
        for (int j = parity; j < moved.length; j += 2) {
            moved[j] = x[j] + 1e-3 * Math.max(1, Math.abs(x[j]));
        }
        double[] out = f.at(moved);
        if (out == null || out.length != y.length) {
            return false;
        }
        int changed = 0;
        int touched = 0;
        for (int k = 0; k < y.length; k++) {
            boolean same = Double.doubleToLongBits(out[k]) == Double.doubleToLongBits(y[k]);
            if (k % 2 == parity) {
                touched++;
                changed += same ? 0 : 1;
            } else if (!same) {
                return false;
            }
        }
        return changed * 2 >= touched;
    }

    /**
     * Each entry's derivative of its own output, evaluated with the input set to {@code z} (one
     * value per input entry), at the evidence's entries; NaN where the forward is not finite
     * nearby or the central difference does not agree with the doubled step to 1e-6.
     */
    double[] derivativeAt(double[] z) {
        double[] h = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            h[j] = STEP * Math.max(1, Math.abs(z[j]));
        }
        double[] d1 = central(z, h, 1);
        double[] d2 = central(z, h, 2);
        double[] out = new double[flat.length];
        for (int k = 0; k < flat.length; k++) {
            int j = flat[k];
            double d = d1 == null || d2 == null ? Double.NaN : d1[j];
            boolean ok = Double.isFinite(d) && Double.isFinite(d2[j])
                    && Math.abs(d2[j] - d) <= 1e-6 * Math.abs(d) + 1e-9 * Math.max(1, Math.abs(y[j]));
            out[k] = ok ? d : Double.NaN;
        }
        return out;
    }

    private double[] central(double[] z, double[] h, double times) {
        double[] zp = z.clone();
        double[] zm = z.clone();
        for (int j = 0; j < z.length; j++) {
            zp[j] = z[j] + times * h[j];
            zm[j] = z[j] - times * h[j];
        }
        double[] fp = f.at(zp);
        double[] fm = f.at(zm);
        if (fp == null || fm == null || fp.length != z.length || fm.length != z.length) {
            return null;
        }
        double[] d = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            d[j] = (fp[j] - fm[j]) / (zp[j] - zm[j]);
        }
        return d;
    }

    /** The point (every input entry), and the forward's output there. */
    double[] point() {
        return x.clone();
    }

    double[] output() {
        return y.clone();
    }

    /**
     * Per input entry, a z with forward(z) = target there (the op inverted entry by entry, by
     * bracketing then bisection; about 80 forward calls), NaN where the target is outside the
     * forward's range or the forward is not monotone enough to find it.
     */
    double[] inverse(double[] target) {
        int m = target.length;
        double[] lo = new double[m];
        double[] hi = new double[m];
        Arrays.fill(lo, -1);
        Arrays.fill(hi, 1);
        boolean[] found = new boolean[m];
        boolean[] rising = new boolean[m];
        for (int expand = 0; expand < 12; expand++) {
            double[] fl = f.at(lo);
            double[] fh = f.at(hi);
            if (fl == null || fh == null) {
                return nan(m);
            }
            boolean all = true;
            for (int j = 0; j < m; j++) {
                if (!found[j] && Double.isFinite(fl[j]) && Double.isFinite(fh[j])
                        && Math.min(fl[j], fh[j]) <= target[j] && target[j] <= Math.max(fl[j], fh[j])) {
                    found[j] = true;
                    rising[j] = fh[j] >= fl[j];
                } else if (!found[j]) {
                    all = false;
                    lo[j] *= 2;
                    hi[j] *= 2;
                }
            }
            if (all) {
                break;
            }
        }
        for (int it = 0; it < 64; it++) {
            double[] mid = new double[m];
            for (int j = 0; j < m; j++) {
                mid[j] = 0.5 * (lo[j] + hi[j]);
            }
            double[] fm = f.at(mid);
            if (fm == null) {
                return nan(m);
            }
            for (int j = 0; j < m; j++) {
                if (!found[j]) {
                    continue;
                }
                boolean below = rising[j] ? fm[j] < target[j] : fm[j] > target[j];
                if (below) {
                    lo[j] = mid[j];
                } else {
                    hi[j] = mid[j];
                }
            }
        }
        double[] z = new double[m];
        for (int j = 0; j < m; j++) {
            z[j] = found[j] ? 0.5 * (lo[j] + hi[j]) : Double.NaN;
        }
        double[] fz = f.at(fillNaN(z));
        if (fz == null) {
            return nan(m);
        }
        for (int j = 0; j < m; j++) {
            if (!(Math.abs(fz[j] - target[j]) <= 1e-9 * Math.max(1, Math.abs(target[j])))) {
                z[j] = Double.NaN;
            }
        }
        return z;
    }

    /** NaN entries replaced by the point's own values (the forward is then defined everywhere). */
    double[] fillNaN(double[] z) {
        double[] out = z.clone();
        for (int j = 0; j < out.length; j++) {
            if (Double.isNaN(out[j])) {
                out[j] = x[j];
            }
        }
        return out;
    }

    /** The evidence's entries' flat offsets. */
    int[] flat() {
        return flat.clone();
    }

    private static double[] nan(int m) {
        double[] v = new double[m];
        Arrays.fill(v, Double.NaN);
        return v;
    }
}
