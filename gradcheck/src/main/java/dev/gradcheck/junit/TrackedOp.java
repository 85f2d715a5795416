package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.ForwardDifferentiable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user's function seen by the checker: a fixed name and shape set, every call tracked; one with
 * a forward rule ({@link ForwardDifferentiable}) keeps it ({@link #of}), its {@code jvp} tracked too.
 */
class TrackedOp implements CustomOp {
    private final DifferentiableFunction f;
    private final String name;
    private final int[][] shapes;
    final Tracker tracker;
    private final AtomicLong forwardCalls = new AtomicLong();
    private final AtomicLong backwardCalls = new AtomicLong();

    /** {@code f} tracked; a {@link ForwardDifferentiable} stays one. */
    static TrackedOp of(DifferentiableFunction f, String name, int[][] shapes, Tracker tracker) {
        return f instanceof ForwardDifferentiable rule ? new Forward(rule, name, shapes, tracker)
                : new TrackedOp(f, name, shapes, tracker);
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

    @Override
    public double[] forward(double[][] inputs) {
        tracker.enter("forward (call " + forwardCalls.incrementAndGet() + ")");
        try {
            return f.forward(inputs);
        } catch (Throwable e) {
            tracker.threw();
            throw e;
        } finally {
            tracker.exit();
        }
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        tracker.enter("backward (call " + backwardCalls.incrementAndGet() + ")");
        try {
            return f.backward(inputs, gradOutput);
        } catch (Throwable e) {
            tracker.threw();
            throw e;
        } finally {
            tracker.exit();
        }
    }

    /** A tracked op with a forward rule. */
    private static final class Forward extends TrackedOp implements ForwardDifferentiable {
        private final ForwardDifferentiable rule;
        private final AtomicLong jvpCalls = new AtomicLong();

        Forward(ForwardDifferentiable rule, String name, int[][] shapes, Tracker tracker) {
            super(rule, name, shapes, tracker);
            this.rule = rule;
        }

        @Override
        public double[] jvp(double[][] inputs, double[][] tangents) {
            tracker.enter("jvp (call " + jvpCalls.incrementAndGet() + ")");
            try {
                return rule.jvp(inputs, tangents);
            } catch (Throwable e) {
                tracker.threw();
                throw e;
            } finally {
                tracker.exit();
            }
        }
    }
}
