/**
 * Random arguments for users' own property tests of ops: tensors of random shape with values in
 * an op's domain, broadcast-compatible shape pairs, values away from kinks, and whole op samples.
 * {@link dev.gradcheck.generators.Generators} is framework-agnostic (a seeded
 * {@link java.util.random.RandomGenerator}); {@link dev.gradcheck.generators.QuickTheoriesGens}
 * adapts it to QuickTheories with shrinking (QuickTheories is an optional dependency).
 */
package dev.gradcheck.generators;
