/** Runnable examples of the nn helpers; {@link dev.gradcheck.engine.nn.examples.TrainingLoop} is the seed notes' loop. */
package dev.gradcheck.engine.nn.examples;
