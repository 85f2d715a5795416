package dev.gradcheck.properties;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;

/**
 * The static shape rule ({@link OpDef#inferShape}, computing nothing) gives the shape and dtype of
 * the actual forward, the forward kernel fills exactly that many values, and the rule is a pure
 * function of the shapes (the same answer twice).
 */
final class ShapeRuleProperty extends OpProperty {
    ShapeRuleProperty() {
        super("shape rule = forward shape", 50);
    }

    @Override
    boolean check(OpDraw draw) {
        OpEval e = new OpEval(draw);
        Tensor[] in = e.fresh();
        Shape[] shapes = Arrays.stream(in).map(Tensor::shape).toArray(Shape[]::new);
        Attrs resolved = e.op.resolve(e.attrs);
        Shape inferred = e.op.inferShape(shapes, resolved);
        Shape again = e.op.inferShape(shapes.clone(), e.op.resolve(e.attrs));
        if (!inferred.equals(again)) {
            throw new AssertionError("inferShape is not a function of the shapes: first " + inferred + ", then " + again);
        }
        double[][] data = Arrays.stream(in).map(Tensor::data).toArray(double[][]::new);
        double[] kernel = e.op.forward().apply(new ForwardArgs(data, shapes, resolved, inferred));
        if (kernel.length != inferred.size()) {
            throw new AssertionError("forward kernel: expected " + inferred.size() + " values for the inferred shape "
                    + inferred + ", actual " + kernel.length);
        }
        Tensor y = e.apply(in);
        if (!y.shape().equals(inferred)) {
            throw new AssertionError("forward shape: expected (shape rule) " + inferred + ", actual " + y.shape());
        }
        DType expected = e.op.outputType(Arrays.stream(in).map(Tensor::dtype).toArray(DType[]::new));
        if (y.dtype() != expected) {
            throw new AssertionError("forward dtype: expected " + expected + ", actual " + y.dtype());
        }
        return true;
    }
}
