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
 * @param constant an input declared {@code "constant": true}: part of the model (a scale, a mask,
 *     a fixed embedding), not data, so the sanity checks never zero or perturb it
 */
public record TensorSpec(String name, boolean param, Shape shape, DType dtype, InitSpec init, String pointer,
        boolean constant) {
    /** A spec that is not declared constant. */
    public TensorSpec(String name, boolean param, Shape shape, DType dtype, InitSpec init, String pointer) {
        this(name, param, shape, dtype, init, pointer, false);
    }

    /**
     * True for an input that is data: float64 and not declared constant (int64 inputs are indices
     * or class targets).
     */
    public boolean data() {
        return !param && !constant && dtype == DType.FLOAT64;
    }
}
