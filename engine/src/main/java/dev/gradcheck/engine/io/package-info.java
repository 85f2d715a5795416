/**
 * Exchange of tensors with NumPy and PyTorch: {@link dev.gradcheck.engine.io.Npy} ({@code .npy})
 * and {@link dev.gradcheck.engine.io.Npz} ({@code .npz}), float64 and int64, C order. Malformed
 * files raise {@link dev.gradcheck.engine.io.TensorFileException}, whose message names the file,
 * the key and the problem.
 */
package dev.gradcheck.engine.io;
