package dev.gradcheck.properties;

import java.util.function.ToDoubleFunction;

/**
 * Central differences with a step relative to the entry, and the error model the analytic values
 * are held to.
 *
 * <p>A central difference of a smooth scalar {@code phi} with step {@code h} is off by the
 * truncation {@code h^2 phi'''/6} (covered by {@link #RTOL}) and by rounding: each evaluation of
 * {@code phi = sum_k g[k] f[k]} carries an error of about {@code n eps sum_k |g[k] f[k]|}, divided
 * by {@code 2h}. The tolerance is sized to the op through that term: {@link #ROUNDING} times the
 * scale of the terms over the step.
 */
final class Numeric {
    /** Relative step: {@code h = STEP * max(1, |x|)}. */
    static final double STEP = 1e-6;
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-8;
    /** Generous multiple of machine epsilon for the rounding of one evaluation. */
    static final double ROUNDING = 1e3 * Math.ulp(1.0);
    /** One-sided differences, or central differences with steps h and h/2, further apart than this (relative) mean a kink. */
    static final double KINK_JUMP = 1e-3;

    private Numeric() {
    }

    static double step(double x) {
        return STEP * Math.max(1, Math.abs(x));
    }

    /** The result of differentiating a scalar along one coordinate or direction. */
    record Diff(double value, boolean straddlesKink) {
    }

    /**
     * The derivative of {@code phi} at {@code x} along coordinate {@code j} of input {@code k}.
     *
     * @param detectKinks also compare the one-sided differences, and the central differences with
     *     steps h and h/2, and flag a point where either pair disagrees: x is at a kink (a tie of
     *     {@code amax}) or the step straddles one, or a jump (a tie of {@code maximum} in second
     *     order, where the gradient itself jumps and both one-sided differences agree)
     */
    static Diff partial(ToDoubleFunction<double[][]> phi, double[][] x, int k, int j, boolean detectKinks) {
        double h = step(x[k][j]);
        double[][] unit = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            unit[i] = new double[x[i].length];
        }
        unit[k][j] = 1;
        return differentiate(phi, x, unit, h, detectKinks);
    }

    /** The derivative of {@code phi} at {@code x} along direction {@code u}, step relative to the largest entry of x. */
    static Diff directional(ToDoubleFunction<double[][]> phi, double[][] x, double[][] u, boolean detectKinks) {
        return differentiate(phi, x, u, directionalStep(x, u), detectKinks);
    }

    private static Diff differentiate(ToDoubleFunction<double[][]> phi, double[][] x, double[][] u, double h,
            boolean detectKinks) {
        double up = phi.applyAsDouble(shifted(x, u, h));
        double down = phi.applyAsDouble(shifted(x, u, -h));
        double central = (up - down) / (2 * h);
        if (!detectKinks) {
            return new Diff(central, false);
        }
        // a kink at x: the one-sided slopes differ (max of tied values, where the central difference
        // is their mean whatever the step); a jump within the step: the central difference scales as 1/h
        double mid = phi.applyAsDouble(x);
        double forward = (up - mid) / h;
        double backward = (mid - down) / h;
        double half = central(phi, x, u, h / 2);
        boolean kink = differ(forward, backward) || differ(central, half);
        return new Diff(central, kink);
    }

    private static double central(ToDoubleFunction<double[][]> phi, double[][] x, double[][] u, double h) {
        return (phi.applyAsDouble(shifted(x, u, h)) - phi.applyAsDouble(shifted(x, u, -h))) / (2 * h);
    }

    private static boolean differ(double a, double b) {
        return Math.abs(a - b) > KINK_JUMP * (1 + Math.abs(a) + Math.abs(b));
    }

    /** The step used by {@link #directional} (for the rounding term of the tolerance). */
    static double directionalStep(double[][] x, double[][] u) {
        double xmax = 0;
        double umax = 0;
        for (int k = 0; k < x.length; k++) {
            for (int j = 0; j < x[k].length; j++) {
                xmax = Math.max(xmax, Math.abs(x[k][j]));
                umax = Math.max(umax, Math.abs(u[k][j]));
            }
        }
        return step(xmax) / Math.max(umax, 1e-300);
    }

    private static double[][] shifted(double[][] x, double[][] u, double h) {
        double[][] p = OpEval.deepCopy(x);
        for (int k = 0; k < p.length; k++) {
            for (int j = 0; j < p[k].length; j++) {
                p[k][j] += h * u[k][j];
            }
        }
        return p;
    }

    /**
     * The tolerance for an analytic value against a numeric one.
     *
     * @param termScale {@code sum_k |g[k] f[k]|} at the point (the size of what is differenced)
     * @param h the step
     */
    static double tolerance(double analytic, double numeric, double termScale, double h) {
        return RTOL * Math.max(Math.abs(analytic), Math.abs(numeric)) + ATOL + ROUNDING * termScale / h;
    }
}
