package dev.gradcheck;

import dev.gradcheck.internal.CheckScope;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * A user's op as one {@link CustomOpCheck} calls it. Each call into the op's code ({@code name()},
 * {@code inputShapes()}, {@code domain()}, forward, backward, jvp, the {@link PerturbableFunction}
 * evaluators) marks the calling thread as in that stage ({@link CheckScope}, so that a check the
 * op's code starts of itself is named by the stage) and notes, then clears, an interrupt flag the
 * call set on the thread calling it: left set, it would make the checker's next wait throw and end
 * the whole run (or make a worker drop its remaining entries); noted, it makes the op's result an
 * error, as {@code gradcheck ops --jar} reports it. A flag already set before the call is left alone:
 * that interrupt came from outside, and still stops the check.
 *
 * <p>The last throwable to leave the op's code is kept with its stage ({@link #stageOf}), so an
 * {@code OutOfMemoryError} that ends the op's check can say where it came from.
 *
 * <p>The op's optional interfaces the checker looks for are kept: {@link PerturbableFunction} (by
 * the subclass {@link Perturbable}) and the forward rule ({@link #hasRule()}).
 */
class WatchedOp implements CustomOp, ForwardDifferentiable {
    private final CustomOp op;
    private final ForwardDifferentiable rule;
    private volatile String interruptedIn;
    /** The last throwable that left the op's code, and the stage it left from. */
    private volatile Thrown lastThrown;

    /** A throwable that left the op's code in {@code stage}. */
    record Thrown(String stage, Throwable error) {
    }

    private WatchedOp(CustomOp op) {
        this.op = op;
        this.rule = CustomOpCheck.forwardRule(op);
    }

    /** {@code op} watched; a {@link PerturbableFunction} stays one. */
    static WatchedOp of(CustomOp op) {
        return op instanceof PerturbableFunction p ? new Perturbable(op, p) : new WatchedOp(op);
    }

    /** The first stage that returned with the interrupt flag of its thread newly set, or null. */
    String interruptedIn() {
        return interruptedIn;
    }

    /** The stage {@code e} left the op's code from, or null when it did not come from the op's code. */
    String stageOf(Throwable e) {
        Thrown t = lastThrown;
        return t != null && t.error() == e ? t.stage() : null;
    }

    /** True when the op has a forward rule ({@link #jvp} is then its own, watched). */
    boolean hasRule() {
        return rule != null;
    }

    <T> T call(String stage, Supplier<T> body) {
        boolean pending = Thread.currentThread().isInterrupted();
        String outer = CheckScope.enterStage(stage);
        try {
            return body.get();
        } catch (Throwable e) {
            lastThrown = new Thrown(stage, e);
            throw e;
        } finally {
            CheckScope.leave(outer);
            noteInterrupt(stage, pending);
        }
    }

    double callDouble(String stage, DoubleSupplier body) {
        boolean pending = Thread.currentThread().isInterrupted();
        String outer = CheckScope.enterStage(stage);
        try {
            return body.getAsDouble();
        } catch (Throwable e) {
            lastThrown = new Thrown(stage, e);
            throw e;
        } finally {
            CheckScope.leave(outer);
            noteInterrupt(stage, pending);
        }
    }

    private void noteInterrupt(String stage, boolean pending) {
        if (!pending && Thread.interrupted() && interruptedIn == null) {
            interruptedIn = stage;
        }
    }

    @Override
    public String name() {
        return call("name()", op::name);
    }

    @Override
    public int[][] inputShapes() {
        return call("inputShapes()", op::inputShapes);
    }

    @Override
    public Domain domain(int input) {
        return call("domain()", () -> op.domain(input));
    }

    @Override
    public double[] forward(double[][] inputs) {
        return call("forward", () -> op.forward(inputs));
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return call("backward", () -> op.backward(inputs, gradOutput));
    }

    @Override
    public double[] jvp(double[][] inputs, double[][] tangents) {
        if (rule == null) {
            throw new UnsupportedOperationException("op has no forward rule");
        }
        return call("jvp", () -> rule.jvp(inputs, tangents));
    }

    /** A watched op that keeps its single-entry and single-input evaluators, watched too. */
    private static final class Perturbable extends WatchedOp implements PerturbableFunction {
        private final PerturbableFunction p;

        Perturbable(CustomOp op, PerturbableFunction p) {
            super(op);
            this.p = p;
        }

        @Override
        public Perturbed perturbedAt(double[][] point) {
            Perturbed e = call("forward", () -> p.perturbedAt(point));
            return e == null ? null : (i, j, v) -> callDouble("forward", () -> e.value(i, j, v));
        }

        @Override
        public InputPerturbed inputPerturbedAt(double[][] point) {
            InputPerturbed e = call("forward", () -> p.inputPerturbedAt(point));
            return e == null ? null : (i, v) -> callDouble("forward", () -> e.value(i, v));
        }
    }
}
