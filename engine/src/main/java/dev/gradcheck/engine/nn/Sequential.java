package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Modules applied in order, like PyTorch's {@code nn.Sequential}: parameters are named by the
 * layer's index, {@code "0.weight"}, {@code "0.bias"}, {@code "2.weight"}, …
 */
public final class Sequential implements Module {
    private final List<Module> layers;

    public Sequential(List<Module> layers) {
        this.layers = List.copyOf(layers);
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }

    /** The layers, in order. */
    public List<Module> layers() {
        return layers;
    }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).namedParameters().entrySet()) {
                m.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            sb.append("  (").append(i).append("): ").append(layers.get(i)).append('\n');
        }
        return sb.append(')').toString();
    }
}
