package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * PyTorch's {@code nn.Linear}: {@code input @ weight^T + bias}, weight {@code [out, in]}, bias
 * {@code [out]}, applied through the registered op {@code linear}. Default init as PyTorch:
 * weight by {@code kaiming_uniform(a=√5)}, i.e. U(−1/√in, 1/√in), bias U(−1/√in, 1/√in).
 */
public final class Linear implements Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /** A layer with a bias, initialised from {@code rng}. */
    public Linear(int inFeatures, int outFeatures, RandomGenerator rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    /** A layer with or without a bias, initialised from {@code rng}. */
    public Linear(int inFeatures, int outFeatures, boolean bias, RandomGenerator rng) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: in and out features must be positive, got in="
                    + inFeatures + ", out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = Init.kaimingUniform(rng, Shape.of(outFeatures, inFeatures), Math.sqrt(5), "fan_in",
                "leaky_relu").requiresGrad();
        double bound = 1.0 / Math.sqrt(inFeatures);
        this.bias = bias ? Init.uniform(rng, -bound, bound, outFeatures).requiresGrad() : null;
    }

    /**
     * A layer over the given tensors (used as they are, so their values are this layer's
     * parameters); {@code bias} may be null.
     */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || (bias != null && (bias.rank() != 1 || bias.size() != weight.shape().dim(0)))) {
            throw new IllegalArgumentException("Linear: weight must be [out, in] and bias [out], got weight "
                    + weight.shape() + " and bias " + (bias == null ? "none" : bias.shape()));
        }
        this.outFeatures = weight.shape().dim(0);
        this.inFeatures = weight.shape().dim(1);
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public Tensor forward(Tensor input) {
        return bias == null
                ? Ops.apply("linear", Attrs.EMPTY, input, weight)
                : Ops.apply("linear", Attrs.EMPTY, input, weight, bias);
    }

    /** The weight, {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weight);
        if (bias != null) {
            m.put("bias", bias);
        }
        return m;
    }

    @Override
    public String toString() {
        return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null) + ")";
    }
}
