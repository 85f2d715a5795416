/**
 * How an op is defined and found. One op is one {@link dev.gradcheck.engine.op.OpDef}, built with
 * {@link dev.gradcheck.engine.op.OpDef#builder(String)}: its inputs
 * ({@link dev.gradcheck.engine.op.InputSpec}, with {@link dev.gradcheck.engine.op.Domain}),
 * attributes ({@link dev.gradcheck.engine.op.AttrSpec}, PyTorch keyword names and defaults), a
 * static {@link dev.gradcheck.engine.op.ShapeRule}, a forward kernel on plain arrays, a backward
 * rule written with differentiable engine ops (so grad-of-grad works), known kinks, and a
 * {@link dev.gradcheck.engine.op.SampleGenerator} of valid random arguments.
 *
 * <p>{@link dev.gradcheck.engine.op.OpRegistry} is the single source of truth: the model loader,
 * {@code gradcheck ops} and the property tests all iterate it, and an unknown name raises
 * {@link dev.gradcheck.engine.op.UnknownOpException} listing the nearest known names.
 */
package dev.gradcheck.engine.op;
