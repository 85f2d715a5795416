package dev.gradcheck.internal;

import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Precision;
import java.util.HashMap;
import java.util.Map;

/**
 * The function's outputs along the path x + t·v (v a tangent), for the numeric side of the
 * forward-mode check: one forward per step t, shared by the lines of every output entry (their
 * finite differences mostly ask for the same steps), each line taken relative to the output at the
 * point, as {@link Phi} takes φ, so an entry's round-off is on its own output's scale.
 */
final class TangentPath {
    /** Steps remembered at most; beyond, the oldest are dropped (a forward again if asked again). */
    private static final int MEMORY = 4096;

    private final DifferentiableFunction f;
    private final double[][] x;
    private final double[][] v;
    private final double[] y;
    private final Precision precision;
    private final Map<Long, double[]> seen = new HashMap<>();

    /**
     * @param x the point (read, never written)
     * @param v the tangent, one array per input (read, never written)
     * @param y the forward's output at the point
     */
    TangentPath(DifferentiableFunction f, double[][] x, double[][] v, double[] y, Precision precision) {
        this.f = f;
        this.x = x;
        this.v = v;
        this.y = y;
        this.precision = precision;
    }

    /** The outputs at x + t·v (rounded to the check's precision); the array is shared, not to be written. */
    double[] at(double t) {
        if (t == 0) {
            return y;
        }
        Long key = Double.doubleToLongBits(t);
        double[] out = seen.get(key);
        if (out != null) {
            return out;
        }
        double[][] work = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            work[i] = x[i].clone();
            for (int j = 0; j < work[i].length; j++) {
                if (v[i][j] != 0) {
                    work[i][j] = precision.round(x[i][j] + t * v[i][j]);
                }
            }
        }
        try {
            out = f.forward(work);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            throw new UserCodeException(UserCodeException.describe("forward", e)
                    + " (during numeric differentiation along a tangent)", e);
        }
        if (out == null || out.length != y.length) {
            throw new UserCodeException("forward returned " + (out == null ? "null" : out.length + " values")
                    + " at a nearby point, " + y.length + " at the checked point", null);
        }
        if (seen.size() >= MEMORY) {
            seen.clear();
        }
        seen.put(key, out);
        return out;
    }

    /** The line t ↦ fₖ(x + t·v) − fₖ(x) of output entry k. */
    Line entry(int k) {
        return t -> at(t)[k] - y[k];
    }

    /** The line t ↦ ⟨u, f(x + t·v) − f(x)⟩, over the outputs that move. */
    Line projected(double[] u) {
        return t -> {
            double[] out = at(t);
            double s = 0;
            for (int k = 0; k < out.length; k++) {
                double d = out[k] - y[k];
                if (d != 0 || Double.isNaN(d)) {
                    s += u[k] * d;
                }
            }
            return s;
        };
    }
}
