package dev.gradcheck;

/**
 * A function with a forward-mode rule: the Jacobian-vector product. Optional for any
 * {@link DifferentiableFunction} or {@link CustomOp}: one that also implements this interface has
 * its forward rule checked beside its backward ({@code gradcheck ops --jar}, {@link CustomOpCheck},
 * the JUnit extension, {@link GradCheck#forwardMode()}):
 * <ul>
 *   <li>the JVP against the numeric directional derivative of {@link #forward} along the tangent
 *       (the same finite differences, error-model tolerance and diagnoses as the backward's check),
 *       once with a tangent on each input alone (the others zero) and once on every input at once;</li>
 *   <li>the adjoint identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ between {@code jvp} and {@link #backward} for a
 *       seeded random gradOutput u and tangent v, to the rounding of both sums: with n = output
 *       entries + input entries, ε the unit roundoff and S the sum of the absolute values of the
 *       terms both sums add, |⟨u, J·v⟩ − ⟨Jᵀ·u, v⟩| ≤ 10·n·ε·S + 1e-12 (the error-model
 *       tolerance's safety factor and absolute floor; a PyTorch-style tolerance applies its own
 *       atol and rtol instead). When it fails, finite differences say which side is wrong.</li>
 * </ul>
 *
 * <pre>{@code
 * // mul: y = a·b, so dy = da·b + a·db (the product rule)
 * public double[] jvp(double[][] in, double[][] t) {
 *     double[] dy = new double[in[0].length];
 *     for (int k = 0; k < dy.length; k++) {
 *         dy[k] = t[0][k] * in[1][k] + in[0][k] * t[1][k];
 *     }
 *     return dy;
 * }
 * }</pre>
 */
public interface ForwardDifferentiable extends DifferentiableFunction {
    /**
     * d/dt forward(inputs + t·tangents) at t = 0, one flat array shaped like forward's output.
     *
     * @param inputs the point: one flat row-major array per input, as {@link #forward} takes it
     *     (the checker passes copies: writing to them changes nothing but is reported)
     * @param tangents one flat array per input, each the size of its input; an input the tangent
     *     does not move gets an array of zeros (never null)
     * @return the directional derivative, one value per output entry
     */
    double[] jvp(double[][] inputs, double[][] tangents);
}
