/**
 * JUnit 5 support: gradient checks of {@link dev.gradcheck.CustomOp}s and
 * {@link dev.gradcheck.DifferentiableFunction}s as tests.
 *
 * <ul>
 *   <li>{@link dev.gradcheck.junit.GradientTest}: a test template, one test per op, shape set and
 *       seed ({@code seed 3, shapes [4, 8]});</li>
 *   <li>{@link dev.gradcheck.junit.GradChecker}: a configured checker with a per-op timeout,
 *       injected into {@code @Test} methods configured by {@link dev.gradcheck.junit.GradCheckSettings};</li>
 *   <li>{@link dev.gradcheck.junit.GradAssertions}: {@code assertGradientsCorrect(op, …)}.</li>
 * </ul>
 *
 * <p>Only {@code junit-jupiter-api} is needed at compile time. Failures are opentest4j
 * {@code AssertionFailedError}s with expected (numeric) and actual (analytic) values and the
 * report's text. Faulty user code (exceptions, NaN, wrong sizes, endless loops, input mutation,
 * nondeterminism) gives a failed check with a message, never a hang.
 */
package dev.gradcheck.junit;
