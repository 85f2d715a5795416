package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The checks beside the gradient's values, as PyTorch's gradcheck makes them: the function must
 * not write to its inputs ({@link #mutation}), two backward passes at the same gradOutput agree
 * ({@link #nondeterminism}), a zero gradOutput gives a zero gradient ({@link #zeroGradOutput}) and
 * the gradient scales with gradOutput ({@link #scaling}); and two forward passes at the same point
 * agree ({@link #forwardNondeterminism}), without which no numeric derivative can be measured.
 *
 * <p>An instance runs the backward passes of one point's checks, each once, recording the
 * exception it meets. Their gradients are judged against the first backward's as soon as they are
 * there (per input: a size problem, else a finding or null) and dropped: a large model's check
 * keeps one gradient alive, not four.
 */
final class SideChecks {
    private final DifferentiableFunction f;
    private final MutationGuard guard;
    private final CheckedInputs inputs;
    private final CheckOptions o;
    /** The gradients at u, set once the first backward returned one per input. */
    private double[][] g;
    private double[][] g2;
    private double[][] gScaled;
    private double[][] gZero;
    private Throwable repeatError;
    private Throwable linearityError;
    /** Set when the passes ran (or came with the first backward), whatever they returned. */
    private boolean determinismDone;
    /** The repeated backward differed after a forward elsewhere and agreed again after one at the point. */
    private boolean staleState;
    private boolean linearityDone;
    /** Per input, from the repeated pass: its size problem, and the nondeterminism found. */
    private String[] repeatSize;
    private Diagnosis[] nondeterministic;
    /** Per input, from the passes at 2u and 0: the first size problem, and the scaling finding. */
    private String[] scaledSize;
    private Diagnosis[] scalingFinding;

    SideChecks(DifferentiableFunction f, MutationGuard guard, CheckedInputs inputs, CheckOptions o) {
        this.f = f;
        this.guard = guard;
        this.inputs = inputs;
        this.o = o;
    }

    // ------------------------------------------------------------------ the findings, one per side check

    /** The function wrote to its inputs or to gradOutput (what changed, as {@link MutationGuard#firstChange} says). */
    static Diagnosis mutation(String forwardChange, String backwardChange) {
        if (forwardChange != null) {
            return Diagnosis.of(MUTATION, "forward mutates its input (" + forwardChange + " changed)");
        }
        if (backwardChange != null) {
            return Diagnosis.of(MUTATION, "backward mutates its input (" + backwardChange + " changed)");
        }
        return null;
    }

    /** The findings' kinds (the report's {@code findings}). */
    static final String MUTATION = "mutation";
    static final String NONDETERMINISTIC = "nondeterministic";
    static final String STALE_STATE = "stale_state";
    static final String IGNORES_GRAD_OUTPUT = "ignores_grad_output";
    static final String GRAD_OUTPUT_OFFSET = "grad_output_offset";
    static final String GRAD_OUTPUT_NONLINEAR = "grad_output_nonlinear";

    static final String NONDETERMINISTIC_FORWARD = "nondeterministic_forward";

    /**
     * Two forward runs at the same point ({@code y}, then {@code y2}) differ by more than
     * {@code tol}: the first output entry that does, with both values; null when they agree. Such
     * a forward (random numbers drawn in it, state kept between calls) has no derivative to measure:
     * its noise keeps every entry's estimate from settling, and a wrong gradient would go unseen.
     */
    static Diagnosis forwardNondeterminism(double[] y, double[] y2, double tol) {
        String what = null;
        if (y2 == null || y2.length != y.length) {
            what = "the first returned " + y.length + " values, the second " + (y2 == null ? "null" : y2.length);
        } else if (!Arrays.equals(y, y2)) {
            for (int k = 0; k < y.length && what == null; k++) {
                double d = Math.abs(y[k] - y2[k]);
                if (Double.isNaN(d) ? Double.isNaN(y[k]) != Double.isNaN(y2[k]) : d > tol) {
                    what = "output entry " + k + " is " + y[k] + ", then " + y2[k];
                }
            }
        }
        if (what == null) {
            return null;
        }
        return Diagnosis.of(NONDETERMINISTIC_FORWARD, "nondeterministic forward: two forward runs at the same point"
                + " differ (" + what + "): its numeric derivative cannot be measured, so the gradient was not checked"
                + " (random numbers drawn in forward, e.g. an unseeded dropout mask, or state kept between calls?"
                + " fix them for the check, e.g. a seeded mask)");
    }

    /** Two backward runs with the same gradOutput ({@code a}, {@code b}: input i's gradients) differ. */
    private Diagnosis nondeterminism(int i, double[] a, double[] b) {
        if (Arrays.equals(a, b)) {
            return null; // the usual case (nondetTol ≥ 0), compared by the JDK's vectorised loop
        }
        double worst = 0;
        int at = -1;
        for (int j = 0; j < a.length; j++) {
            double d = Math.abs(a[j] - b[j]);
            boolean differ = Double.isNaN(d) ? Double.isNaN(a[j]) != Double.isNaN(b[j]) : d > o.nondetTol();
            if (differ && (at < 0 || d > worst)) {
                worst = d;
                at = j;
            }
        }
        if (at < 0) {
            return null;
        }
        if (staleState) {
            return Diagnosis.of(STALE_STATE, String.format(Locale.ROOT, "backward depends on the last forward call, not"
                    + " on its inputs: at the same point and gradOutput it gave %s at %s right after a forward there,"
                    + " and %s after a forward at a nearby point (backward reads a value cached by forward, e.g. its"
                    + " output or input kept in a field; a layer object used twice, as in an RNN's steps, gets wrong"
                    + " gradients)", a[at], inputs.place(i, at), b[at]));
        }
        return Diagnosis.of(NONDETERMINISTIC, String.format(Locale.ROOT, "nondeterministic: two backward runs with the"
                + " same gradOutput differ by %.3g at %s (%s vs %s)", worst, inputs.place(i, at), a[at], b[at]));
    }

    /**
     * A zero gradOutput gives a non-zero gradient {@code gz} (input i's; {@code g} the gradient at u).
     * Entries whose gradient at u is not finite are left to the value findings: NaN·0 is NaN, which
     * says nothing about gradOutput.
     */
    private Diagnosis zeroGradOutput(int i, double[] g, double[] gz) {
        int nonZero = -1;
        for (int j = 0; j < gz.length; j++) {
            if (gz[j] != 0 && (Double.isFinite(gz[j]) || Double.isFinite(g[j]))) {
                nonZero = j;
                break;
            }
        }
        if (nonZero < 0) {
            return null;
        }
        if (Arrays.equals(gz, g)) {
            return Diagnosis.of(IGNORES_GRAD_OUTPUT,
                    "backward ignores gradOutput: a zero gradOutput gives the same gradient back");
        }
        if (!Double.isFinite(gz[nonZero])) {
            return Diagnosis.of(GRAD_OUTPUT_NONLINEAR, "a zero gradOutput gives " + gz[nonZero] + " at "
                    + inputs.place(i, nonZero) + " where gradOutput gives " + g[nonZero] + ": backward divides by"
                    + " gradOutput (the gradient is not linear in it)");
        }
        return Diagnosis.of(GRAD_OUTPUT_OFFSET, "a zero gradOutput gives a non-zero gradient (" + gz[nonZero] + " at "
                + inputs.place(i, nonZero) + "): backward adds a term that does not scale with gradOutput");
    }

    /** The gradient at 2u, {@code gs}, is not twice the gradient at u, {@code g} (input i's). */
    private Diagnosis scaling(int i, double[] g, double[] gs) {
        for (int j = 0; j < g.length; j++) {
            // written out (a call per entry is slow until the JIT compiles the loop); w ≤ MAX_VALUE: finite
            double want = 2 * g[j];
            double w = Math.abs(want);
            if (w <= Double.MAX_VALUE && Math.abs(gs[j] - want) > 1e-9 * w + 1e-300) {
                return Diagnosis.of(GRAD_OUTPUT_NONLINEAR, "the gradient does not scale with gradOutput (backward"
                        + " ignores gradOutput?): with 2·gradOutput, entry " + inputs.place(i, j) + " is " + gs[j]
                        + " instead of " + 2 * g[j]);
            }
        }
        return null;
    }

    /** The linearity in gradOutput: the zero check first (a backward that adds a constant fails both, and it names it). */
    private Diagnosis linearity(int i, double[] g, double[] gs, double[] gz) {
        Diagnosis zero = zeroGradOutput(i, g, gz);
        return zero != null ? zero : scaling(i, g, gs);
    }

    // ------------------------------------------------------------------ the backward passes

    /**
     * The gradient at u from a {@link MultiBackward}, with the side checks' passes on the same
     * forward (scaling and zero gradOutput, and determinism too when the forward is deterministic
     * by construction), which this keeps for judging.
     */
    double[][] backwardWithSidePasses(MultiBackward mb, double[][] bwork, double[] uwork, double[] u) {
        boolean again = mb.deterministicForward();
        double[][] us = again ? new double[][] {uwork, guard.argument(u), twice(u), new double[u.length]}
                : new double[][] {uwork, twice(u), new double[u.length]};
        double[][][] each = mb.backwardEach(o.threads(), bwork, us);
        if (again) {
            g2 = each[1];
            determinismDone = true;
        }
        gScaled = each[us.length - 2];
        gZero = each[us.length - 1];
        linearityDone = true;
        return each[0];
    }

    /** Hands over the gradients at u, one per input, and judges the passes that came with them. */
    void gradientsAtU(double[][] gradients, IntConsumer alsoPerInput) {
        g = gradients;
        judge(alsoPerInput);
    }

    /**
     * Backward again at u, unless it came with the first; this time after a forward at another
     * point ({@link #elsewhere}), so that a backward that reads what the last forward left behind
     * (a cached output, a layer object reused between calls) differs too. When it differs, a third
     * backward right after a forward at x tells that stale state (it agrees again) from plain
     * nondeterminism.
     */
    void determinism(double[][] x, double[] u) {
        if (determinismDone) {
            return;
        }
        determinismDone = true;
        try {
            if (!(f instanceof ToolkitFunction) && !(f instanceof ReadOnlyInputs)) {
                forwardElsewhere(x); // the toolkit's own functions and adapters keep no state between calls
            }
            g2 = f.backward(guard.argument(x), guard.argument(u));
            if (g != null && inputs.countProblem(g2) == null && differs(g, g2)) {
                f.forward(guard.argument(x));
                staleState = !differs(g, f.backward(guard.argument(x), guard.argument(u)));
            }
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            repeatError = e;
        }
        judge(i -> { });
    }

    /** A forward at x moved by one step in every entry; what it throws is left to the checks that need that point. */
    private void forwardElsewhere(double[][] x) {
        double[][] moved = new double[x.length][];
        for (int i = 0; i < moved.length; i++) {
            moved[i] = x[i].clone(); // never the point itself, whatever the function
            if (inputs.notDifferentiated(i) == null) {
                for (int j = 0; j < moved[i].length; j++) {
                    moved[i][j] += o.eps() * o.stepScale(moved[i][j]);
                }
            }
        }
        try {
            f.forward(moved);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
        }
    }

    /** Whether some input's two gradients differ beyond nondetTol (a size mismatch is judged elsewhere). */
    private boolean differs(double[][] a, double[][] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != null && b[i] != null && a[i].length == b[i].length && nondeterminism(i, a[i], b[i]) != null) {
                return true;
            }
        }
        return false;
    }

    /** Backward at 2u and at 0, unless they came with the first backward (a {@link MultiBackward}). */
    void linearity(double[][] x, double[] u) {
        if (linearityDone) {
            return;
        }
        linearityDone = true;
        try {
            gScaled = f.backward(guard.argument(x), twice(u));
            gZero = f.backward(guard.argument(x), new double[u.length]);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            linearityError = e;
        }
        judge(i -> { });
    }

    /**
     * Judges, input by input, the passes that ran without throwing (a throw is {@link #error})
     * and were not judged yet, beside {@code alsoPerInput} (per input too); then drops their
     * gradients.
     */
    private void judge(IntConsumer alsoPerInput) {
        boolean repeat = determinismDone && repeatError == null && repeatSize == null;
        boolean linear = linearityDone && linearityError == null && scaledSize == null;
        int n = g.length;
        String[] rSize = repeat ? sizeProblems(g2, null) : null;
        String[] lSize = linear ? sizeProblems(gZero, sizeProblems(gScaled, null)) : null;
        Diagnosis[] nondet = new Diagnosis[n];
        Diagnosis[] scalingFound = new Diagnosis[n];
        for (int i = 0; i < n; i++) {
            alsoPerInput.accept(i);
            boolean sized = inputs.sizeProblem(i, g[i], "backward") == null;
            if (repeat && sized && rSize[i] == null) {
                nondet[i] = nondeterminism(i, g[i], g2[i]);
            }
            if (linear && sized && lSize[i] == null) {
                scalingFound[i] = linearity(i, g[i], gScaled[i], gZero[i]);
            }
        }
        if (repeat) {
            nondeterministic = nondet;
            repeatSize = rSize;
            g2 = null;
        }
        if (linear) {
            scalingFinding = scalingFound;
            scaledSize = lSize;
            gScaled = null;
            gZero = null;
        }
    }

    /** Per input, the earlier problem if any, else {@code other}'s count or size problem. */
    private String[] sizeProblems(double[][] other, String[] earlier) {
        String count = inputs.countProblem(other);
        String[] p = earlier != null ? earlier : new String[g.length];
        for (int i = 0; i < g.length; i++) {
            if (p[i] == null) {
                p[i] = count != null ? count : inputs.sizeProblem(i, other[i], "backward");
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ verdicts, per input

    /** The side passes' size problem for input i (the repeated pass's first), or null. */
    String sizeProblemOf(int i) {
        return repeatSize[i] != null ? repeatSize[i] : scaledSize[i];
    }

    Diagnosis nondeterminismOf(int i) {
        return nondeterministic[i];
    }

    /** The zero-gradOutput or scaling finding for input i, or null. */
    Diagnosis linearityOf(int i) {
        return scalingFinding[i];
    }

    /** The first side check's exception, in the order they are listed. */
    Throwable cause() {
        return repeatError != null ? repeatError : linearityError;
    }

    String error() {
        Throwable c = cause();
        return c == null ? null : UserCodeException.describe("backward (repeated)", c);
    }

    static double[] twice(double[] u) {
        double[] u2 = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            u2[k] = 2 * u[k];
        }
        return u2;
    }
}
