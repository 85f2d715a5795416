package dev.gradcheck;

/**
 * A {@link CustomOp} (or {@link DifferentiableFunction}) whose every call runs under a time limit
 * ({@link TimeLimits}): a user op stuck in an endless loop makes the call throw
 * {@link TimeLimits.TimedOutException} ("forward of op 'square' timed out after 2000 ms") instead
 * of hanging the check. Once a call has timed out the op is spent: every later call throws the
 * same message at once, so a check fails fast rather than waiting the limit again per entry. The
 * forward rule of an op that has one ({@link ForwardDifferentiable#jvp}) is called under the same
 * limit ({@link #forwardRule()}; {@link CustomOpCheck} uses it).
 * Exceptions, NaN, wrong output sizes, input mutation and nondeterminism are the checker's to
 * report (it already gives each a message), as are absurd {@code inputShapes()} (negative, or over
 * the element limits: {@link CustomOpCheck#check(CustomOp, CheckOptions, dev.gradcheck.model.Limits)}
 * validates them before allocating anything); this class only adds the deadline.
 *
 * <pre>{@code
 * CheckResult r = CustomOpCheck.check(GuardedOp.of(op, 2_000), options);  // status error on a hang
 * }</pre>
 *
 * For a limit on the whole check of an op rather than on each call, use
 * {@link TimeLimits#call(String, long, java.util.concurrent.Callable)} around the check.
 */
public final class GuardedOp implements CustomOp {
    private final DifferentiableFunction fn;
    private final String name;
    private final int[][] shapes;
    private final long timeoutMs;
    private volatile String spent;

    private GuardedOp(DifferentiableFunction fn, String name, int[][] shapes, long timeoutMs) {
        this.fn = fn;
        this.name = name;
        this.shapes = shapes;
        this.timeoutMs = timeoutMs;
    }

    /**
     * {@code op} with a limit on each call; {@code name()} and {@code inputShapes()} are read once,
     * under the limit, here (so a hang there throws now).
     *
     * @param timeoutMs the limit per call in milliseconds (0 or less: no limit)
     * @throws TimeLimits.TimedOutException when {@code name()} or {@code inputShapes()} hangs
     */
    public static GuardedOp of(CustomOp op, long timeoutMs) {
        if (op instanceof GuardedOp g && g.timeoutMs == timeoutMs) {
            return g;
        }
        String name = TimeLimits.call("name() of " + op.getClass().getName(), timeoutMs, op::name);
        int[][] shapes = TimeLimits.call("inputShapes() of op '" + name + "'", timeoutMs, op::inputShapes);
        return new GuardedOp(op, name, shapes, timeoutMs);
    }

    /** {@code fn} with a limit on each call, named {@code name}, checked at {@code inputShapes}. */
    public static GuardedOp of(DifferentiableFunction fn, String name, int[][] inputShapes, long timeoutMs) {
        return new GuardedOp(fn, name, inputShapes, timeoutMs);
    }

    /** The wrapped op's domain, read under the limit; none declared for a plain function. */
    @Override
    public Domain domain(int input) {
        return fn instanceof CustomOp op
                ? TimeLimits.call("domain(" + input + ") of op '" + name + "'", timeoutMs, () -> op.domain(input))
                : CustomOp.super.domain(input);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[][] inputShapes() {
        return shapes;
    }

    /** The limit per call, in milliseconds. */
    public long timeoutMs() {
        return timeoutMs;
    }

    @Override
    public double[] forward(double[][] inputs) {
        return guarded("forward", () -> fn.forward(inputs));
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        return guarded("backward", () -> fn.backward(inputs, gradOutput));
    }

    /**
     * The wrapped function's forward rule under the same limit per call (a {@code jvp} that hangs
     * throws {@link TimeLimits.TimedOutException}, and spends the op like any other stage), or null
     * when it has none.
     */
    public ForwardDifferentiable forwardRule() {
        if (!(fn instanceof ForwardDifferentiable rule)) {
            return null;
        }
        GuardedOp self = this;
        return new ForwardDifferentiable() {
            @Override
            public double[] forward(double[][] inputs) {
                return self.forward(inputs);
            }

            @Override
            public double[][] backward(double[][] inputs, double[] gradOutput) {
                return self.backward(inputs, gradOutput);
            }

            @Override
            public double[] jvp(double[][] inputs, double[][] tangents) {
                return guarded("jvp", () -> rule.jvp(inputs, tangents));
            }
        };
    }

    private <T> T guarded(String stage, java.util.concurrent.Callable<T> call) {
        String s = spent;
        if (s != null) {
            throw new TimeLimits.TimedOutException(s, timeoutMs);
        }
        String what = stage + " of op '" + name + "'";
        try {
            return TimeLimits.call(what, timeoutMs, call);
        } catch (TimeLimits.TimedOutException e) {
            spent = what;
            throw e;
        }
    }
}
