package dev.gradcheck.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gradient-check settings for a test class or method: they configure the {@link GradChecker}
 * parameters of ordinary {@code @Test} methods and fill in what a {@link GradientTest} leaves
 * unset (method settings over class settings).
 *
 * <pre>
 * &#64;GradCheckSettings(seeds = {7}, mode = "fast", timeoutMillis = 5000)
 * class MyOpsTest {
 *     &#64;Test
 *     void swish(GradChecker checker) { checker.assertCorrect(new Swish()); }
 * }
 * </pre>
 *
 * <p>The attributes mean what they mean on {@link GradientTest}, and are checked as strictly
 * ({@code count = 0} fails, naming it); unset values are the defaults.
 */
@SuppressWarnings("exports") // JUnit comes with the tests that use this (an optional dependency)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(GradientTestExtension.class)
public @interface GradCheckSettings {
    long[] seeds() default {};

    int count() default GradientTest.UNSET;

    String[] shapes() default {};

    String mode() default "";

    String scheme() default "";

    String tolerance() default "";

    double atol() default Double.NaN;

    double rtol() default Double.NaN;

    double eps() default Double.NaN;

    int threads() default GradientTest.UNSET;

    long timeoutMillis() default GradientTest.UNSET;

    double[] magnitudes() default {};

    String options() default "";
}
