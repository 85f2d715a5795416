/**
 * The reference autograd engine: double-precision, row-major n-d {@link dev.gradcheck.engine.Tensor}s
 * with NumPy/PyTorch broadcasting, reverse-mode differentiation with an iterative topological
 * sort and higher-order gradients ({@link dev.gradcheck.engine.Autograd}), no-grad scopes
 * ({@link dev.gradcheck.engine.GradMode}), ops applied by name ({@link dev.gradcheck.engine.Ops}),
 * and the micrograd-style scalar {@link dev.gradcheck.engine.Value}, an independent second
 * reference.
 *
 * <pre>{@code
 * Tensor w = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad();
 * Tensor loss = x.matmul(w).tanh().sum();
 * loss.backward();
 * Tensor dw = w.grad();
 * }</pre>
 *
 * <p>Names, attributes and semantics follow PyTorch 1.13. Sub-packages: {@code op} (how an op is
 * defined and the registry), {@code io} (.npy/.npz), {@code nn} (layers, initialisers,
 * optimisers); {@code ops} and {@code internal} are not public API.
 */
package dev.gradcheck.engine;
