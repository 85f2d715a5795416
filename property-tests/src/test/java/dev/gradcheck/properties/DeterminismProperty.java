package dev.gradcheck.properties;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** The same inputs give bit-identical outputs and gradients (first and, when defined, second order). */
final class DeterminismProperty extends OpProperty {
    DeterminismProperty() {
        super("determinism", 20);
    }

    @Override
    boolean check(OpDraw draw) {
        Map<String, double[]> first = run(draw);
        Map<String, double[]> second = run(draw);
        for (Map.Entry<String, double[]> r : first.entrySet()) {
            double[] again = second.get(r.getKey());
            if (!Arrays.equals(r.getValue(), again)) {
                throw new AssertionError("not deterministic: " + r.getKey() + " of the first run "
                        + Arrays.toString(r.getValue()) + ", of the second run " + Arrays.toString(again));
            }
        }
        return true;
    }

    /** Output, gradients and second-order gradients by name, from fresh copies of the draw's inputs. */
    private static Map<String, double[]> run(OpDraw draw) {
        OpEval e = new OpEval(draw);
        Map<String, double[]> out = new LinkedHashMap<>();
        boolean diff = OpEval.differentiable(e.op);
        Tensor[] in = diff ? e.leaves() : e.fresh();
        Tensor y = e.apply(in);
        out.put("output", y.data());
        if (!diff) {
            return out;
        }
        SplittableRandom aux = draw.aux();
        Tensor g = Tensor.randn(aux, y.shape().dims()).requiresGrad();
        Tensor[] xs = e.realOf(in);
        boolean twice = e.op.twiceDifferentiable();
        Tensor[] grads = Autograd.grad(y, g, twice, xs);
        Tensor s = Tensor.scalar(0);
        for (int k = 0; k < grads.length; k++) {
            out.put("gradient of " + e.realName(k), grads[k].data());
            s = s.add(grads[k].mul(Tensor.randn(aux, grads[k].shape().dims())).sum());
        }
        if (twice) {
            Tensor[] second = Autograd.grad(s, null, false, xs);
            for (int k = 0; k < second.length; k++) {
                out.put("second-order gradient of " + e.realName(k), second[k].data());
            }
        }
        return out;
    }
}
