/**
 * Internal: the engine's built-in op definitions, one family per class, gathered by
 * {@link dev.gradcheck.engine.ops.BuiltinOps} into the registry. Not public API: apply ops by name
 * through {@link dev.gradcheck.engine.Ops} or the typed methods of
 * {@link dev.gradcheck.engine.Tensor}, and look definitions up in
 * {@link dev.gradcheck.engine.op.OpRegistry}.
 */
package dev.gradcheck.engine.ops;
