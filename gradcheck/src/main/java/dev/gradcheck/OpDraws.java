package dev.gradcheck;

import dev.gradcheck.internal.Seeds;
import dev.gradcheck.internal.UserCodeException;
import java.util.SplittableRandom;

/**
 * The seeded points {@link CustomOpCheck} checks an op at: each input drawn from its declared
 * {@link Domain} at the draw's magnitude. For an op with an undeclared input, a point whose forward
 * is not finite is re-drawn, alternately as drawn and as |x| (for the undeclared inputs), up to
 * {@value #ATTEMPTS} attempts in all; how the point was found is kept for the report.
 */
final class OpDraws {
    /** Points tried per draw (the first included) before the draw is skipped. */
    static final int ATTEMPTS = 10;

    /** One draw: the point, or why none was found, and how it was found. */
    static final class Point {
        /** The point, or the last one tried when {@link #outside} is set. */
        final double[][] x;
        /** Why the forward is not usable at every point tried (null when {@link #x} is usable). */
        final String outside;
        /** How the point was found when it was not the first drawn, else null. */
        final String note;

        Point(double[][] x, String outside, String note) {
            this.x = x;
            this.outside = outside;
            this.note = note;
        }
    }

    private final CustomOp op;
    private final String name;
    private final int[][] shapes;
    private final Domain[] domains;
    private final long seed;

    OpDraws(CustomOp op, String name, int[][] shapes, Domain[] domains, long seed) {
        this.op = op;
        this.name = name;
        this.shapes = shapes;
        this.domains = domains;
        this.seed = seed;
    }

    /** The domains the op declares, one per input ({@link Domain#undeclared()} where it throws or returns null). */
    static Domain[] domainsOf(CustomOp op, int inputs) {
        Domain[] d = new Domain[inputs];
        for (int i = 0; i < inputs; i++) {
            Domain di;
            try {
                di = op.domain(i);
            } catch (Throwable e) {
                UserCodeException.rethrowIfJvmFailure(e);
                di = null;
            }
            d[i] = di == null ? Domain.undeclared() : di;
        }
        return d;
    }

    /** Input i's domain. */
    Domain domain(int i) {
        return domains[i];
    }

    /** Draw {@code k} at typical |x| {@code magnitude}. */
    Point draw(int k, double magnitude) {
        double[][] x = sample(k, 0, magnitude, false);
        String why = nonFinite(x);
        if (why == null || !anyUndeclared()) {
            return new Point(x, null, null);
        }
        String first = why;
        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            // attempt 1 is the drawn point as |x|; then fresh points, plain and as |x| in turn
            boolean abs = attempt % 2 == 1;
            double[][] y = sample(k, attempt / 2, magnitude, abs);
            if (nonFinite(y) == null) {
                String how = attempt == 1 ? "point retried at |x|"
                        : "point re-drawn " + attempt / 2 + " time" + (attempt / 2 == 1 ? "" : "s") + (abs ? ", at |x|" : "");
                return new Point(y, null, how + ": the forward was not finite at the drawn point (" + first + ")");
            }
        }
        return new Point(x, "inputs drawn at |x|~" + magnitude + " are outside the op's domain (" + first
                + "; also at " + (ATTEMPTS - 1) + " re-drawn points, half of them as |x|): draw skipped", null);
    }

    private boolean anyUndeclared() {
        for (Domain d : domains) {
            if (d.isUndeclared()) {
                return true;
            }
        }
        return false;
    }

    /** Stream {@code attempt} of draw k; {@code abs} takes |x| of the undeclared inputs. */
    private double[][] sample(int k, int attempt, double magnitude, boolean abs) {
        SplittableRandom rng = new SplittableRandom(Seeds.of(seed, name, 1000L * k + attempt));
        double[][] x = new double[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            long n = 1;
            for (int d : shapes[i]) {
                n *= d;
            }
            x[i] = new double[(int) n];
            for (int j = 0; j < x[i].length; j++) {
                double v = domains[i].draw(rng, magnitude);
                x[i][j] = abs && domains[i].isUndeclared() ? Math.abs(v) : v;
            }
        }
        return x;
    }

    /** Why the forward is not usable at x (not finite), or null when it is (or throws: the checker reports that). */
    private String nonFinite(double[][] x) {
        double[][] copy = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            copy[i] = x[i].clone();
        }
        double[] y;
        try {
            y = op.forward(copy);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return null; // the checker reports user exceptions itself
        }
        if (y == null) {
            return null;
        }
        for (int k = 0; k < y.length; k++) {
            if (!Double.isFinite(y[k])) {
                return "forward gives " + y[k] + " at output entry " + k;
            }
        }
        return null;
    }
}
