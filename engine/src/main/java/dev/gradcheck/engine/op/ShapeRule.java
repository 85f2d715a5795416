package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;

/** An op's static shape rule: the output shape from input shapes, computing nothing. */
@FunctionalInterface
public interface ShapeRule {
    /**
     * @param op the op's name, for error messages
     * @throws dev.gradcheck.engine.ShapeException naming the op and every full shape when the
     *     shapes do not fit
     */
    Shape apply(String op, Shape[] inputs, Attrs attrs);
}
