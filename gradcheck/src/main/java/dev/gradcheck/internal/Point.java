package dev.gradcheck.internal;

/**
 * What the first forward and backward gave at the checked point, shared by the numeric side of
 * every input's check.
 *
 * @param x the point (read, never written)
 * @param phi φ = ⟨u, f⟩ near the point
 * @param phi0 φ at the point
 * @param fd the finite-difference schemes, with φ's round-off scale
 * @param gradients the analytic gradient of φ, one per input
 * @param gradMax per input, the largest finite |analytic| entry (the gradient's scale)
 * @param y the forward's output at the point (read, never written)
 */
record Point(double[][] x, Phi phi, double phi0, FiniteDifference fd, double[][] gradients, double[] gradMax,
        double[] y) {
}
