package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;

/**
 * An entry of {@code inputs} or {@code params}: its name, shape, dtype and init.
 *
 * @param name the name nodes refer to it by
 * @param param true for a param (gets gradients), false for an input
 * @param shape its shape
 * @param dtype float64 or int64
 * @param init how it is initialised
 * @param pointer where it is declared in the model file (JSON Pointer)
 */
public record TensorSpec(String name, boolean param, Shape shape, DType dtype, InitSpec init, String pointer) {
}
