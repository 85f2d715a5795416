package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Attrs;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Builds a multi-layer perceptron as a {@link Sequential} of {@link Linear} layers with an
 * activation between them (none after the last), named as PyTorch would name
 * {@code nn.Sequential(Linear, Tanh, Linear)}: {@code "0.weight"}, {@code "0.bias"},
 * {@code "2.weight"}, {@code "2.bias"}.
 *
 * <pre>{@code
 * Sequential net = Mlp.builder().sizes(4, 16, 3).activation("tanh").build(new SplittableRandom(0));
 * }</pre>
 */
public final class Mlp {
    private int[] sizes;
    private String activation = "relu";
    private Attrs activationAttrs = Attrs.EMPTY;
    private boolean bias = true;

    private Mlp() {
    }

    /** A new builder (activation relu, with biases). */
    public static Mlp builder() {
        return new Mlp();
    }

    /** Layer widths, input first: {@code sizes(4, 16, 3)} makes Linear(4, 16), act, Linear(16, 3). */
    public Mlp sizes(int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("Mlp: at least an input and an output size are needed, got "
                    + sizes.length);
        }
        this.sizes = sizes.clone();
        return this;
    }

    /** The op between layers, by registry name ({@code relu}, {@code tanh}, {@code gelu}, …). */
    public Mlp activation(String op) {
        return activation(op, Attrs.EMPTY);
    }

    /** The op between layers, with attributes (e.g. {@code leaky_relu}, {@code negative_slope}). */
    public Mlp activation(String op, Attrs attrs) {
        this.activation = op;
        this.activationAttrs = attrs;
        return this;
    }

    /** Whether the Linear layers have biases (default true). */
    public Mlp bias(boolean bias) {
        this.bias = bias;
        return this;
    }

    /** The network, its parameters initialised from {@code rng} in layer order. */
    public Sequential build(RandomGenerator rng) {
        if (sizes == null) {
            throw new IllegalStateException("Mlp: call sizes(...) before build()");
        }
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(sizes[i], sizes[i + 1], bias, rng));
            if (i + 2 < sizes.length) {
                layers.add(new Activation(activation, activationAttrs));
            }
        }
        return new Sequential(layers);
    }
}
