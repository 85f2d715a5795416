package dev.gradcheck.engine.ops;

import static dev.gradcheck.engine.op.AttrSpec.required;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.ShapeException;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.AttrSpec.Type;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import java.util.Arrays;
import java.util.List;

/** Ops that move values without computing on them: reshape, transpose, permute, squeeze, … */
final class ShapeOps {
    private ShapeOps() {
    }

    static final OpDef RESHAPE = OpDef.builder("reshape")
            .summary("the same values in a new shape; one dimension may be -1 (inferred)")
            .inputs(InputSpec.real("input"))
            .attrs(required("shape", Type.INTS))
            .shape((op, in, a) -> reshaped(op, in[0], a.getInts("shape")))
            .forward(a -> a.in(0).clone())
            .backward(c -> new Tensor[] {c.grad().reshape(c.input(0).shape().dims())})
            .twiceDifferentiable()
            .samples((rng, m) -> {
                Shape s = Samplers.shape(rng, 0, 3, 4);
                int[] target = rng.nextBoolean() ? new int[] {s.size()} : new int[] {-1, 1};
                if (s.rank() >= 2 && rng.nextBoolean()) {
                    target = new int[] {s.dim(0), -1};
                }
                return new Sample(new Tensor[] {Samplers.tensor(rng, s, Domain.REAL, m)}, Attrs.of("shape", target));
            })
            .build();

    /** The shape {@code reshape(shape)} gives, with a -1 inferred. */
    static Shape reshaped(String op, Shape in, int[] shape) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " has more than one -1");
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " has a negative dimension");
            } else {
                known *= shape[i];
            }
        }
        int[] out = shape.clone();
        if (infer >= 0) {
            if (known == 0 || in.size() % known != 0) {
                throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " is invalid for an input of shape "
                        + in + " (" + in.size() + " elements)");
            }
            out[infer] = (int) (in.size() / known);
        } else if (known != in.size()) {
            throw new ShapeException(op + ": shape " + Arrays.toString(shape) + " is invalid for an input of shape "
                    + in + " (" + in.size() + " elements)");
        }
        return Shape.of(out);
    }

    static List<OpDef> all() {
        return List.of(RESHAPE);
    }
}
