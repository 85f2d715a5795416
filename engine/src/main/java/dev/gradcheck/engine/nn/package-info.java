/**
 * Small neural-network helpers on the engine, after PyTorch's {@code torch.nn} and
 * {@code torch.optim}: seeded initialisers ({@link dev.gradcheck.engine.nn.Init}), modules with
 * state-dict parameter names ({@link dev.gradcheck.engine.nn.Linear},
 * {@link dev.gradcheck.engine.nn.Sequential}, {@link dev.gradcheck.engine.nn.Mlp}), optimisers
 * that update parameters in place ({@link dev.gradcheck.engine.nn.SGD},
 * {@link dev.gradcheck.engine.nn.Adam}) and learning-rate schedules
 * ({@link dev.gradcheck.engine.nn.LrSchedule}). Formulas follow PyTorch 1.13; random values come
 * from the caller's seeded generator, not PyTorch's stream.
 */
package dev.gradcheck.engine.nn;
