package dev.gradcheck.properties;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One drawn example for an op's property: the op's sample (shapes, attributes, values) at a
 * magnitude, and a seed for the auxiliary random vectors (gradient outputs, directions), so a
 * property is a deterministic function of the draw.
 */
record OpDraw(OpDef op, double magnitude, Sample sample, long auxSeed) {
    /** A fresh generator for the auxiliary vectors (the same sequence every time). */
    SplittableRandom aux() {
        return new SplittableRandom(auxSeed);
    }

    /** The number of input elements, the size the shrinking minimises. */
    int elements() {
        return Arrays.stream(sample.inputs()).mapToInt(Tensor::size).sum();
    }

    /** {@code softmax([2, 3] {dim=-1}) magnitude 1, 6 elements, aux seed 17, input values [...]}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(op.name()).append('(').append(sample).append(") magnitude ")
                .append(magnitude).append(", ").append(elements()).append(" input elements, aux seed ").append(auxSeed);
        if (elements() <= 32) {
            b.append(", inputs ");
            for (Tensor t : sample.inputs()) {
                b.append(Arrays.toString(t.data()));
            }
        }
        return b.toString();
    }
}
