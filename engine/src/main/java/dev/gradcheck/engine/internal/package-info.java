/**
 * Internal: zero-copy access to tensor storage ({@link dev.gradcheck.engine.internal.TensorAccess})
 * for the engine's kernels, optimisers and file readers. Not public API; users see tensors as
 * immutable.
 */
package dev.gradcheck.engine.internal;
