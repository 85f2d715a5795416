package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Domain;
import dev.gradcheck.ForwardDifferentiable;
import dev.gradcheck.PerturbableFunction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The user's function seen by the checker: a fixed name and shape set, every call into user code
 * tracked. Everything else the function tells the checker is passed on, so the extension checks an
 * op exactly as {@code CustomOpCheck} checks it unwrapped: a {@link CustomOp}'s
 * {@link CustomOp#domain(int)} (else its inputs were drawn over the reals), and the optional
 * interfaces it implements, {@link ForwardDifferentiable} (its {@code jvp} is checked) and
 * {@link PerturbableFunction} (its cheap single-entry evaluations are used). {@code
 * TrackedOpTest} holds every default method of those interfaces to being overridden here.
 */
class TrackedOp implements CustomOp {
    private final DifferentiableFunction f;
    private final String name;
    private final int[][] shapes;
    final Tracker tracker;
    private final AtomicLong forwardCalls = new AtomicLong();
    private final AtomicLong backwardCalls = new AtomicLong();
    private final AtomicLong evaluations = new AtomicLong();

    /** {@code f} tracked; a {@link ForwardDifferentiable} or {@link PerturbableFunction} stays one. */
    static TrackedOp of(DifferentiableFunction f, String name, int[][] shapes, Tracker tracker) {
        boolean rule = f instanceof ForwardDifferentiable;
        if (f instanceof PerturbableFunction) {
            return rule ? new ForwardPerturbable(f, name, shapes, tracker) : new Perturbable(f, name, shapes, tracker);
        }
        return rule ? new Forward(f, name, shapes, tracker) : new TrackedOp(f, name, shapes, tracker);
    }

    private TrackedOp(DifferentiableFunction f, String name, int[][] shapes, Tracker tracker) {
        this.f = f;
        this.name = name;
        this.shapes = shapes;
        this.tracker = tracker;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[][] inputShapes() {
        return ShapeSets.copy(shapes);
    }

    /** The op's own declaration; a plain {@link DifferentiableFunction} declares none. */
    @Override
    public Domain domain(int input) {
        if (!(f instanceof CustomOp op)) {
            return Domain.undeclared();
        }
        return tracked("domain(" + input + ")", () -> op.domain(input));
    }

    @Override
    public double[] forward(double[][] inputs) {
        return tracked("forward (call " + forwardCalls.incrementAndGet() + ")", () -> f.forward(inputs));
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return tracked("backward (call " + backwardCalls.incrementAndGet() + ")", () -> f.backward(inputs, gradOutput));
    }

    /** Runs user code marked as {@code stage}, so a timeout or an exit can name the call. */
    final <T> T tracked(String stage, Supplier<T> call) {
        tracker.enter(stage);
        try {
            return call.get();
        } catch (Throwable e) {
            tracker.threw();
            throw e;
        } finally {
            tracker.exit();
        }
    }

    /**
     * The user's single-entry evaluator at {@code point}, its calls tracked; null when it offers
     * none. Public so that the wrappers implementing {@link PerturbableFunction} inherit it.
     */
    public final PerturbableFunction.Perturbed perturbedAt(double[][] point) {
        PerturbableFunction p = (PerturbableFunction) f;
        PerturbableFunction.Perturbed e = tracked("perturbedAt", () -> p.perturbedAt(point));
        return e == null ? null : (i, j, v) -> tracked(evaluation(), () -> e.value(i, j, v));
    }

    /** The user's whole-input evaluator at {@code point}, its calls tracked; null when it offers none. */
    public final PerturbableFunction.InputPerturbed inputPerturbedAt(double[][] point) {
        PerturbableFunction p = (PerturbableFunction) f;
        PerturbableFunction.InputPerturbed e = tracked("inputPerturbedAt", () -> p.inputPerturbedAt(point));
        return e == null ? null : (i, v) -> tracked(evaluation(), () -> e.value(i, v));
    }

    private String evaluation() {
        return "a perturbed evaluation (call " + evaluations.incrementAndGet() + ")";
    }

    /** A tracked op with a forward rule. */
    private static class Forward extends TrackedOp implements ForwardDifferentiable {
        private final ForwardDifferentiable rule;
        private final AtomicLong jvpCalls = new AtomicLong();

        Forward(DifferentiableFunction rule, String name, int[][] shapes, Tracker tracker) {
            super(rule, name, shapes, tracker);
            this.rule = (ForwardDifferentiable) rule;
        }

        @Override
        public double[] jvp(double[][] inputs, double[][] tangents) {
            return tracked("jvp (call " + jvpCalls.incrementAndGet() + ")", () -> rule.jvp(inputs, tangents));
        }
    }

    /** A tracked op with single-entry evaluations. */
    private static final class Perturbable extends TrackedOp implements PerturbableFunction {
        Perturbable(DifferentiableFunction f, String name, int[][] shapes, Tracker tracker) {
            super(f, name, shapes, tracker);
        }
    }

    /** A tracked op with a forward rule and single-entry evaluations. */
    private static final class ForwardPerturbable extends Forward implements PerturbableFunction {
        ForwardPerturbable(DifferentiableFunction f, String name, int[][] shapes, Tracker tracker) {
            super(f, name, shapes, tracker);
        }
    }
}
