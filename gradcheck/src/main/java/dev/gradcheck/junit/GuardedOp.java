package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user's function seen by the checker: a fixed name and shape set, and a record of which
 * threads are inside user code and where (so a timeout can say "in forward, call 12" and stop
 * exactly those threads), and in which call an exception or error left user code.
 */
final class GuardedOp implements CustomOp {
    private final DifferentiableFunction f;
    private final String name;
    private final int[][] shapes;
    private final Set<Thread> inside = ConcurrentHashMap.newKeySet();
    private volatile String stage = "setup";
    private volatile long forwardCalls;
    private volatile long backwardCalls;
    private volatile String thrownIn;

    GuardedOp(DifferentiableFunction f, String name, int[][] shapes) {
        this.f = f;
        this.name = name;
        this.shapes = shapes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[][] inputShapes() {
        return Shapes.copy(shapes);
    }

    @Override
    public double[] forward(double[][] inputs) {
        long n = ++forwardCalls;
        enter("forward (call " + n + ")");
        try {
            return f.forward(inputs);
        } catch (RuntimeException | Error e) {
            thrownIn = stage;
            throw e;
        } finally {
            inside.remove(Thread.currentThread());
        }
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        long n = ++backwardCalls;
        enter("backward (call " + n + ")");
        try {
            return f.backward(inputs, gradOutput);
        } catch (RuntimeException | Error e) {
            thrownIn = stage;
            throw e;
        } finally {
            inside.remove(Thread.currentThread());
        }
    }

    private void enter(String where) {
        stage = where;
        inside.add(Thread.currentThread());
    }

    /** Where the last call into user code was, e.g. {@code forward (call 12)}. */
    String stage() {
        return stage;
    }

    /** The stage an exception or error left user code from, or null. */
    String thrownIn() {
        return thrownIn;
    }

    /** The threads inside user code right now. */
    Set<Thread> threadsInside() {
        return Set.copyOf(inside);
    }

    DifferentiableFunction function() {
        return f;
    }
}
