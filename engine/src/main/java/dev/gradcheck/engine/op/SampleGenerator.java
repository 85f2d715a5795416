package dev.gradcheck.engine.op;

import java.util.random.RandomGenerator;

/**
 * Draws arguments an op can be checked at: shapes, attributes and values within the inputs'
 * domains, away from kinks. Deterministic for a given generator state.
 */
@FunctionalInterface
public interface SampleGenerator {
    /**
     * Draws one sample.
     *
     * @param rng the source of randomness
     * @param magnitude the typical |value| of real inputs (1 for ordinary draws; 10 or 100 to reach
     *     branches taken only for large inputs), clipped to the inputs' domains
     */
    Sample draw(RandomGenerator rng, double magnitude);
}
