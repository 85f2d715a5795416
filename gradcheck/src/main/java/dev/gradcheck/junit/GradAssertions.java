package dev.gradcheck.junit;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.engine.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * Assertions for ordinary tests, in the style of JUnit's {@code Assertions}:
 *
 * <pre>{@code
 * import static dev.gradcheck.junit.GradAssertions.assertGradientsCorrect;
 *
 * assertGradientsCorrect(new Swish());                         // at its inputShapes(), seed 0
 * assertGradientsCorrect(new Swish(), 0, 1, 2);                // three seeds
 * assertGradientsCorrect(myFunction, new int[] {2, 3}, new int[] {3});
 * assertGradientsCorrect(xs -> xs[0].matmul(xs[1]).tanh().sum(), x, w);   // an engine function
 * }</pre>
 *
 * <p>Each failure is an opentest4j {@code AssertionFailedError}: expected = the worst entry's
 * numeric derivative, actual = its analytic value, and a message with the failing ops, their
 * worst entries, the diagnosis, the seed and a one-line way to reproduce. User code runs with
 * {@link GradChecker#defaults()} (one thread, a 30 s timeout per op); use a {@link GradChecker}
 * for anything else.
 */
public final class GradAssertions {
    private GradAssertions() {
    }

    /** Checks an op at its {@link CustomOp#inputShapes()}, seed 0. */
    public static CheckReport assertGradientsCorrect(CustomOp op) {
        return GradChecker.defaults().assertCorrect(op);
    }

    /** Checks an op at its {@link CustomOp#inputShapes()} at each seed. */
    public static CheckReport assertGradientsCorrect(CustomOp op, long... seeds) {
        return GradChecker.defaults().seeds(seeds).assertCorrect(op);
    }

    /** Checks an op with these options (their seed, threads and all), at its own shapes. */
    public static CheckReport assertGradientsCorrect(CustomOp op, CheckOptions options) {
        return GradChecker.defaults().options(options).seed(options.seed()).assertCorrect(op);
    }

    /** Checks a function on plain arrays at one shape per input, seed 0. */
    public static CheckReport assertGradientsCorrect(DifferentiableFunction f, int[]... shapes) {
        return GradChecker.defaults().shapes(shapes).assertCorrect(f);
    }

    /** Checks an engine function (tensors in, one tensor out) at the point {@code at}, seed 0; int64 tensors held constant. */
    public static CheckReport assertGradientsCorrect(Function<Tensor[], Tensor> f, Tensor... at) {
        return GradChecker.defaults().assertCorrect("function", f, at);
    }

    /** Checks every op; one that fails, throws or hangs does not stop the others, and all failures are listed. */
    public static CheckReport assertAllGradientsCorrect(List<? extends CustomOp> ops) {
        return GradChecker.defaults().assertAllCorrect(ops);
    }

    /**
     * Throws unless the report passed, as {@link CheckReport#assertPasses()} does, with a header
     * naming the failing checks, and the user code's exception as the cause.
     */
    public static CheckReport assertPassed(CheckReport report) {
        return GradChecker.assertPassed(report);
    }
}
