/**
 * The gradient checker: numeric against analytic gradients, with answers a person can act on.
 *
 * <p>Entry points: {@link dev.gradcheck.GradCheck} (fluent, for one function) and
 * {@link dev.gradcheck.CustomOpCheck} (a list of {@link dev.gradcheck.CustomOp}s, ServiceLoader
 * discovery). The SPI {@link dev.gradcheck.DifferentiableFunction} / {@link dev.gradcheck.CustomOp}
 * is a published contract (DESIGN.md). Results are {@link dev.gradcheck.CheckReport}s.
 */
package dev.gradcheck;
