package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Mode;
import dev.gradcheck.PerturbableFunction;
import dev.gradcheck.Precision;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks a function at one point: one {@link InputVerdict.Outcome} per input.
 *
 * <p>Order of work: forward, and again at the same point unless it is deterministic by construction
 * (a model file's loss); a seeded random gradOutput u; backward at u, watching for input
 * mutation (with, for a {@link MultiBackward}, the side passes on the same forward); the
 * {@link SideChecks}' remaining backward passes; in FAST mode the projections of every input, on
 * the checker's threads beside those passes; then, per input, its {@link InputVerdict}.
 */
final class PointCheck {
    private final DifferentiableFunction f;
    private final CheckOptions o;
    private final CheckedInputs inputs;
    private final MutationGuard guard;
    private final boolean keepEvidence;

    PointCheck(DifferentiableFunction f, CheckedInputs inputs, CheckOptions o) {
        this(f, inputs, o, false);
    }

    /** {@code keepEvidence}: every input's outcome keeps what the diagnoser knows about it. */
    PointCheck(DifferentiableFunction f, CheckedInputs inputs, CheckOptions o, boolean keepEvidence) {
        this.keepEvidence = keepEvidence;
        this.f = f;
        this.o = o;
        this.inputs = inputs;
        this.guard = new MutationGuard(f, inputs);
    }

    /**
     * Each input's outcome at {@code x}, which is read, never written; judged with the tolerance
     * at the point's scale ({@link dev.gradcheck.Tolerance#atPointOfScale}).
     */
    List<InputVerdict.Outcome> run(double[][] x) {
        Tolerance atPoint = o.tolerance().atPointOfScale(largestAbs(x));
        return atPoint == o.tolerance() ? checkAt(x)
                : new PointCheck(f, inputs, o.withTolerance(atPoint), keepEvidence).checkAt(x);
    }

    private List<InputVerdict.Outcome> checkAt(double[][] x) {
        Precision precision = o.precision();
        // ---- forward at the point
        double[][] work = guard.argument(x);
        double[] y;
        try {
            y = f.forward(work);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return allError(UserCodeException.describe("forward", e), e);
        }
        if (y == null) {
            return allError("forward returned null", null);
        }
        String forwardChange = guard.firstChange(x, work);
        for (int k = 0; k < y.length; k++) {
            if (!Double.isFinite(y[k])) {
                return allError("forward returned " + y[k] + " at output entry " + k
                        + ": the point is outside the function's domain", null);
            }
        }
        // ---- the forward again at the same point (unless deterministic by construction)
        Diagnosis forwardRepeat = null;
        if (!(f instanceof MultiBackward mb && mb.deterministicForward())) {
            double[] y1 = y.clone(); // a forward may hand out a buffer it reuses
            double[] y2;
            try {
                y2 = f.forward(guard.argument(x));
            } catch (Throwable e) {
                UserCodeException.rethrowIfJvmFailure(e);
                return allError(UserCodeException.describe("forward (repeated)", e), e);
            }
            forwardRepeat = SideChecks.forwardNondeterminism(y1, y2, o.nondetTol());
        }
        double[] u = gradOutput(y.length);
        // FAST's projections and the Taylor test move whole inputs; the single-entry evaluator
        // (costly to prepare) serves the entry-by-entry modes
        boolean fast = o.mode() == Mode.FAST;
        // an evaluator may keep the arrays it is given, and a resample moves the point later
        PerturbableFunction.Perturbed perturbed = fast ? null
                : Perturbation.prepare(f, () -> guard.argument(x), y.length);
        PerturbableFunction.InputPerturbed inputPerturbed = fast || o.taylor()
                ? Perturbation.prepareInputs(f, () -> guard.argument(x), y.length) : null;
        Phi phi = new Phi(f, u, y, precision, perturbed, inputPerturbed);
        double phi0 = phi.atPoint();
        double phiScale = phi.scale();

        // ---- backward at u, watching for mutation of inputs and gradOutput
        double[][] g;
        double[][] bwork = guard.argument(x);
        double[] uwork = guard.argument(u);
        SideChecks side = new SideChecks(f, guard, inputs, o);
        try {
            g = f instanceof MultiBackward ? side.backwardWithSidePasses((MultiBackward) f, bwork, uwork, u)
                    : f.backward(bwork, uwork);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return allError(UserCodeException.describe("backward", e), e);
        }
        String count = inputs.countProblem(g);
        if (count != null) {
            return allError(count, null);
        }
        // per input: the gradient's scale, and the verdicts of the side checks that came with the
        // first backward (their gradients then dropped)
        double[] gradMax = new double[x.length];
        side.gradientsAtU(g, i -> gradMax[i] = maxAbsFinite(g[i]));
        String backwardChange = guard.firstChange(x, bwork);
        if (backwardChange == null && !Arrays.equals(u, uwork)) {
            backwardChange = "gradOutput";
        }
        Point point = new Point(x, phi, phi0, new FiniteDifference(precision.unitRoundoff(), phiScale), g, gradMax,
                y);
        EntryJudge judge = new EntryJudge(o, inputs, point);

        // ---- side checks (determinism, scaling with gradOutput, zero gradOutput), and in FAST mode
        // the projections, all independent: on the checker's threads together
        if (!fast || !(f instanceof MultiBackward)) {
            // (what is left of) the side checks, here: a user's backward never runs beside another
            // call (only forward calls run side by side, as FULL mode has always done)
            side.determinism(x, u);
            side.linearity(x, u);
        }
        Parallel.Values<FastProbe.Outcome> probed = null;
        if (fast) {
            // the engine adapters are thread-safe: their remaining side check beside the projections
            Parallel.Batch<double[][]> batch = new Parallel.Batch<>(o.threads(), () -> guard.workerScratch(x));
            batch.addTask(scratch -> side.determinism(x, u));
            batch.addTask(scratch -> side.linearity(x, u));
            probed = batch.addEach(x.length, (scratch, i) -> probe(point, judge, i, scratch));
            batch.run();
        }

        InputVerdict verdict = new InputVerdict(o, inputs, point, side, SideChecks.mutation(forwardChange,
                backwardChange), forwardRepeat, new EntrySweep(o, inputs, guard, point, judge), keepEvidence);
        List<InputVerdict.Outcome> out = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            out.add(verdict.of(i, fast ? probed.get(i) : null));
        }
        return out;
    }

    /** The seeded gradOutput u (1 for a single output), in the check's precision. */
    private double[] gradOutput(int outputs) {
        SplittableRandom rng = new SplittableRandom(Seeds.of(o.seed(), "gradOutput", 0));
        double[] u = new double[outputs];
        for (int k = 0; k < u.length; k++) {
            u[k] = outputs == 1 ? 1.0 : o.precision().round(rng.nextGaussian());
        }
        return u;
    }

    /**
     * FAST mode's projections of input i, or null when the input cannot be probed (its verdict
     * says why). {@code scratch} is the worker's copy of the point, or null (see
     * {@link MutationGuard#workerScratch}).
     */
    private FastProbe.Outcome probe(Point point, EntryJudge judge, int i, double[][] scratch) {
        double[][] x = point.x();
        if (inputs.notDifferentiated(i) != null || inputs.sizeProblem(i, point.gradients()[i], "backward") != null
                || x[i].length == 0) {
            return null;
        }
        double[][] work = scratch != null ? scratch : guard.scratchFor(x, i);
        try {
            return new FastProbe.Outcome(new FastProbe(o, point, judge, i, inputs.name(i), work, inputs.seed(i)).run(), null);
        } catch (UserCodeException e) {
            return new FastProbe.Outcome(null, e);
        }
    }

    /** Every input's outcome: the same error. */
    private List<InputVerdict.Outcome> allError(String message, Throwable cause) {
        List<InputVerdict.Outcome> out = new ArrayList<>();
        for (int i = 0; i < inputs.count(); i++) {
            CheckResult r = inputs.result(i).status(Status.ERROR).error(message, cause).build();
            out.add(InputVerdict.Outcome.of(r));
        }
        return out;
    }

    /** The largest finite |entry| over every input. */
    private static double largestAbs(double[][] x) {
        double m = 0;
        for (double[] xi : x) {
            m = Math.max(m, maxAbsFinite(xi));
        }
        return m;
    }

    private static double maxAbsFinite(double[] a) {
        double m = 0;
        if (a != null) {
            for (double v : a) {
                double abs = Math.abs(v);
                if (abs > m && abs != Double.POSITIVE_INFINITY) { // NaN is not > m
                    m = abs;
                }
            }
        }
        return m;
    }
}
