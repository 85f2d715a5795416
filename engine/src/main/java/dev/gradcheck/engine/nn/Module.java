package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A layer or model: a function of one tensor with named parameters, like PyTorch's
 * {@code nn.Module}. Parameter names follow PyTorch's state-dict convention ({@code "weight"},
 * {@code "0.weight"}, {@code "2.bias"}), so weights exported from PyTorch load by name.
 */
public interface Module {
    /** Applies the module. */
    Tensor forward(Tensor input);

    /** Every parameter by its state-dict name, in registration order. The tensors themselves, not copies. */
    Map<String, Tensor> namedParameters();

    /** Every parameter, in the order of {@link #namedParameters()}. */
    default List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Clears every parameter's gradient. */
    default void zeroGrad() {
        for (Tensor p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    /** The total number of parameter values. */
    default long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Copies values into the parameters by name, as PyTorch's {@code load_state_dict(strict=True)}:
     * every parameter must be given, with its exact shape, and no other name.
     *
     * @throws IllegalArgumentException naming the missing, unexpected or misshapen entries
     */
    default void loadStateDict(Map<String, Tensor> values) {
        Map<String, Tensor> params = namedParameters();
        TreeSet<String> missing = new TreeSet<>(params.keySet());
        missing.removeAll(values.keySet());
        TreeSet<String> unexpected = new TreeSet<>(values.keySet());
        unexpected.removeAll(params.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: missing " + missing + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Shape want = e.getValue().shape();
            Shape got = values.get(e.getKey()).shape();
            if (!want.equals(got)) {
                throw new IllegalArgumentException("loadStateDict: '" + e.getKey() + "' has shape " + want
                        + " but the value given has shape " + got);
            }
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            double[] src = TensorAccess.data(values.get(e.getKey()));
            System.arraycopy(src, 0, TensorAccess.data(e.getValue()), 0, src.length);
        }
    }
}
