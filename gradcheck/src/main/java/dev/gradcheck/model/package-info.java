/**
 * Model files ({@code gradcheck-model/1}, and ONNX through {@code dev.gradcheck.model.onnx}; see
 * {@code docs/model-format.md}): loading and
 * validation before any compute ({@link dev.gradcheck.model.ModelLoader}, which hands the file to
 * the {@link dev.gradcheck.model.ModelReader} of its format; errors as
 * {@link dev.gradcheck.model.ModelFileException} naming file, JSON Pointer, line:column and node),
 * the graph validation every reader shares ({@link dev.gradcheck.model.GraphBuilder}), the
 * validated {@link dev.gradcheck.model.Model}, seeded inits
 * ({@link dev.gradcheck.model.Initializer}), evaluation ({@link dev.gradcheck.model.Evaluation}:
 * every node's tensor, the loss, gradients), the function view the checker checks
 * ({@link dev.gradcheck.model.LossFunction}), NumPy files ({@link dev.gradcheck.model.DataFiles})
 * and the comparison of external gradients ({@link dev.gradcheck.model.GradientComparison}).
 */
package dev.gradcheck.model;
