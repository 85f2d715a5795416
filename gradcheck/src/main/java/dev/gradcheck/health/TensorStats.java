package dev.gradcheck.health;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Saturation;

/** Summary numbers of a tensor's values, computed in one place so every report agrees. */
final class TensorStats {
    private TensorStats() {
    }

    static double norm(double[] d) {
        double s = 0;
        for (double v : d) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double meanAbs(double[] d) {
        double s = 0;
        for (double v : d) {
            s += Math.abs(v);
        }
        return d.length == 0 ? 0 : s / d.length;
    }

    static double maxAbs(double[] d) {
        double m = 0;
        for (double v : d) {
            double a = Math.abs(v);
            if (a > m || Double.isNaN(a)) {
                m = a;
            }
        }
        return m;
    }

    static double mean(double[] d) {
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return d.length == 0 ? 0 : s / d.length;
    }

    /** Population standard deviation. */
    static double std(double[] d) {
        double m = mean(d);
        double s = 0;
        for (double v : d) {
            s += (v - m) * (v - m);
        }
        return d.length == 0 ? 0 : Math.sqrt(s / d.length);
    }

    static boolean finite(double[] d) {
        for (double v : d) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The share of entries in the flat tails: {@code |range.normalized(y)| > level} ({@code |y|} for tanh, {@code |2y - 1|} for sigmoid). */
    static double saturatedShare(double[] d, Saturation range, double level) {
        int n = 0;
        for (double v : d) {
            double t = range.normalized(v);
            if (Math.abs(t) > level) {
                n++;
            }
        }
        return d.length == 0 ? 0 : (double) n / d.length;
    }

    /**
     * The units never positive over the batch: dimension 0 is the batch, every other index a
     * unit (a 1-d or 0-d output is one sample).
     *
     * @return {dead units, units, batch}
     */
    static int[] deadUnits(Tensor t) {
        double[] d = t.data();
        int batch = t.rank() >= 2 ? t.shape().dim(0) : 1;
        int units = batch == 0 ? 0 : d.length / batch;
        int dead = 0;
        for (int u = 0; u < units; u++) {
            boolean alive = false;
            for (int b = 0; b < batch && !alive; b++) {
                alive = d[b * units + u] > 0;
            }
            if (!alive) {
                dead++;
            }
        }
        return new int[] {dead, units, batch};
    }

    /** A number as reports print it: 4 significant digits, {@code 1.234e-05} for small and large values. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return trim(String.format(java.util.Locale.ROOT, "%.3e", v));
        }
        return trim(String.format(java.util.Locale.ROOT, "%.4g", v));
    }

    /** {@code 4.000} to {@code 4}, {@code 1.500e-07} to {@code 1.5e-07}. */
    private static String trim(String s) {
        int e = s.indexOf('e');
        String mant = e < 0 ? s : s.substring(0, e);
        String exp = e < 0 ? "" : s.substring(e);
        if (mant.contains(".")) {
            mant = mant.replaceAll("0+$", "");
            if (mant.endsWith(".")) {
                mant = mant.substring(0, mant.length() - 1);
            }
        }
        return mant + exp;
    }
}
