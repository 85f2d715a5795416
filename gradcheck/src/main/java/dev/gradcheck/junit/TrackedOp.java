package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import java.util.concurrent.atomic.AtomicLong;

/** The user's function seen by the checker: a fixed name and shape set, every call tracked. */
final class TrackedOp implements CustomOp {
    private final DifferentiableFunction f;
    private final String name;
    private final int[][] shapes;
    private final Tracker tracker;
    private final AtomicLong forwardCalls = new AtomicLong();
    private final AtomicLong backwardCalls = new AtomicLong();

    TrackedOp(DifferentiableFunction f, String name, int[][] shapes, Tracker tracker) {
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
        } catch (RuntimeException | Error e) {
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
        } catch (RuntimeException | Error e) {
            tracker.threw();
            throw e;
        } finally {
            tracker.exit();
        }
    }
}
