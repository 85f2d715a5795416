package dev.gradcheck.engine.op;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;

/**
 * What a forward kernel sees: the inputs as flat row-major arrays (never to be modified), their
 * shapes, the resolved attributes (defaults filled in) and the output shape the shape rule gave.
 */
public record ForwardArgs(double[][] data, Shape[] shapes, Attrs attrs, Shape out) {
    /** Input {@code i}'s values. */
    public double[] in(int i) {
        return data[i];
    }

    /** Input {@code i}'s shape. */
    public Shape shape(int i) {
        return shapes[i];
    }

    /** The number of inputs given. */
    public int count() {
        return data.length;
    }
}
