package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ridders' extrapolation on smooth functions reaches relative error ≤ 1e-10 against the analytic
 * derivative; the central-difference error is reported beside it.
 */
class RiddersTest {
    /** Generalised Rosenbrock: Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)². */
    static final Fn ROSENBROCK = Fn.of(in -> {
        double[] x = in[0];
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            s += 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2);
        }
        return new double[] {s};
    }, (in, go) -> {
        double[] x = in[0];
        double[] d = new double[x.length];
        for (int i = 0; i + 1 < x.length; i++) {
            double t = x[i + 1] - x[i] * x[i];
            d[i] += go[0] * (-400 * x[i] * t - 2 * (1 - x[i]));
            d[i + 1] += go[0] * 200 * t;
        }
        return new double[][] {d};
    });

    static final Fn EXP = Fn.elementwise(Math::exp, Math::exp);
    static final Fn TANH = Fn.elementwise(Math::tanh, v -> 1 - Math.tanh(v) * Math.tanh(v));

    /** The largest |numeric − analytic| / |analytic| over every entry, with the scheme given. */
    private static double maxRelError(Fn f, double[] x, Scheme scheme) {
        CheckReport r = GradCheck.of(f).at(x).scheme(scheme).tolerance(Tolerance.model())
                .options(GradCheck.of(f).options().withScheme(scheme).withTolerance(Tolerance.model())
                        .withWorst(x.length))
                .check();
        List<EntryResult> entries = r.checks().get(0).worst();
        double worst = 0;
        for (EntryResult e : entries) {
            worst = Math.max(worst, Math.abs(e.numeric() - e.analytic()) / Math.abs(e.analytic()));
        }
        if (scheme == Scheme.RIDDERS) {
            assertTrue(r.passed(), r::toText);
        }
        return worst;
    }

    private static void check(String name, Fn f, double[] x) {
        double ridders = maxRelError(f, x, Scheme.RIDDERS);
        double central = maxRelError(f, x, Scheme.CENTRAL);
        double five = maxRelError(f, x, Scheme.FIVE_POINT);
        System.out.println(String.format(Locale.ROOT, "%-11s ridders %.2e   central %.2e   five-point %.2e", name,
                ridders, central, five));
        assertTrue(ridders <= 1e-10, () -> name + ": Ridders relative error " + ridders + " > 1e-10 (central "
                + central + ")");
        assertTrue(ridders < central, () -> name + ": Ridders " + ridders + " not better than central " + central);
    }

    @Test
    void exp() {
        check("exp", EXP, new double[] {-2, -0.5, 0.3, 1, 2.5});
    }

    @Test
    void tanh() {
        check("tanh", TANH, new double[] {-1.5, -0.2, 0.4, 0.9, 1.7});
    }

    @Test
    void rosenbrock() {
        check("rosenbrock", ROSENBROCK, new double[] {-1.2, 1.0, 0.5, 1.5, -0.7});
    }

    @Test
    void randomPoints() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int k = 0; k < 10; k++) {
            double[] x = Fn.randn(rng, 6);
            for (int i = 0; i < x.length; i++) {
                // keep away from tanh's and Rosenbrock's zeros of the derivative, where relative error is meaningless
                x[i] = Math.copySign(0.2 + Math.abs(x[i]), x[i]);
            }
            check("exp#" + k, EXP, x);
            check("tanh#" + k, TANH, x);
        }
    }
}
