package dev.gradcheck.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gradchecks a {@link dev.gradcheck.CustomOp} or {@link dev.gradcheck.DifferentiableFunction}
 * once per op, shape set and seed, each a test of its own named like {@code seed 3, shapes [4, 8]}.
 *
 * <pre>
 * &#64;GradientTest(count = 5, shapes = {"[4, 8]", "[1]"})
 * void swish(Swish op) { }                  // the op: a parameter of a concrete op class (no-arg constructor)
 *
 * &#64;GradientTest(op = "ops")                  // the op(s): a static method or field of the test class
 * void myOps(CustomOp op, CheckReport report) { assertTrue(report.passed()); }
 * static List&lt;CustomOp&gt; ops() { return List.of(new Swish(), new Softplus()); }
 *
 * &#64;GradientTest(discover = true)            // every CustomOp in META-INF/services on the test class path
 * void registered(CustomOp op) { }
 * </pre>
 *
 * <p>The check runs before the method body; a failure is an opentest4j {@code AssertionFailedError}
 * with expected (numeric) and actual (analytic) values and the report's text (worst entries,
 * diagnosis, seed, a one-line way to reproduce), and the body is not run. The body may take the op,
 * the passing {@link dev.gradcheck.CheckReport} and a {@link GradChecker} configured with this
 * invocation's settings as parameters.
 *
 * <p>Settings not given here come from a {@link GradCheckSettings} on the method or the class, then
 * from the defaults: seeds 0, 1, 2; the op's own shapes; the checker's mode, scheme and tolerance;
 * one thread; 30 s per invocation. Text settings use the CLI's spelling ({@code mode = "fast"},
 * {@code tolerance = "model"}).
 */
@SuppressWarnings("exports") // JUnit comes with the tests that use this (an optional dependency)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(GradientTestExtension.class)
public @interface GradientTest {
    /**
     * The default of {@link #count()}, {@link #threads()} and {@link #timeoutMillis()}: unset (the
     * value comes from a {@link GradCheckSettings}, else the default). Any other value below 1 is
     * rejected.
     */
    int UNSET = Integer.MIN_VALUE;

    /** A static method (no parameters) or field of the test class giving the op(s): one, an array, an Iterable or a Stream. */
    String op() default "";

    /**
     * Check every {@link dev.gradcheck.CustomOp} that {@link java.util.ServiceLoader} finds on the
     * test class path; a provider that cannot be loaded or made is one failed test of its own.
     */
    boolean discover() default false;

    /** The seeds, each once; when empty, {@link #count()} seeds 0, 1, 2, …. */
    long[] seeds() default {};

    /** Check seeds 0, 1, …, count − 1 (at least 1); unset: 3. Give this or {@link #seeds()}, not both. */
    int count() default UNSET;

    /**
     * Shape sets, one shape per input each: {@code "[4, 8]"}, {@code "[2, 3], [3]"}; empty: the op's
     * own. For a {@code CustomOp}, each set has as many shapes as its {@code inputShapes()}.
     */
    String[] shapes() default {};

    /** {@code full}, {@code fast} or {@code sampled}; empty: the checker's default. */
    String mode() default "";

    /** {@code central}, {@code five_point} or {@code ridders}; empty: the checker's default. */
    String scheme() default "";

    /** {@code pytorch} or {@code model}; empty: the checker's default. */
    String tolerance() default "";

    /** The tolerance's absolute term (finite, 0 or more); NaN: unset. */
    double atol() default Double.NaN;

    /** The tolerance's relative term (finite, 0 or more); NaN: unset. */
    double rtol() default Double.NaN;

    /** The relative step (positive, finite); NaN: unset. */
    double eps() default Double.NaN;

    /** Threads of the numeric Jacobian (at least 1); unset: 1, as third-party code need not be thread-safe. */
    int threads() default UNSET;

    /** The longest one invocation's check may take, in milliseconds (at least 1); unset: 30 000. */
    long timeoutMillis() default UNSET;

    /**
     * The typical |x| of the draws, one per draw in turn ({@code {1, 1e3, 1e6}} reaches branches
     * taken only for large inputs); each positive and finite, at most as many as the draws (3
     * unless {@link #options()} sets more); empty: unset (1, 10, 100).
     */
    double[] magnitudes() default {};

    /** A static method or field of the test class giving the base {@link dev.gradcheck.CheckOptions}; empty: unset. */
    String options() default "";
}
