package dev.gradcheck.engine.nn;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.random.RandomGenerator;

/**
 * Seeded parameter initialisers with PyTorch's formulas ({@code torch.nn.init}). The values come
 * from the given generator, so the same seed gives the same tensor; they are not PyTorch's random
 * stream. Results are leaves that do not require grad: call {@link Tensor#requiresGrad()}.
 *
 * <p>Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out} for a weight of shape
 * {@code [out, in, k1, k2, ...]}: fan_in = in × k1 × k2 ⋯, fan_out = out × k1 × k2 ⋯ (so a
 * {@code Linear} weight {@code [out, in]} has fan_in = in).
 */
public final class Init {
    private Init() {
    }

    /** Values from N(mean, std²). */
    public static Tensor normal(RandomGenerator rng, double mean, double std, int... shape) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        }
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = mean + std * rng.nextGaussian();
        }
        return Tensor.of(d, shape);
    }

    /** Values from U(low, high). */
    public static Tensor uniform(RandomGenerator rng, double low, double high, int... shape) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("Init.uniform: low " + low + " must not exceed high " + high);
        }
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = low + (high - low) * rng.nextDouble();
        }
        return Tensor.of(d, shape);
    }

    /** {@code kaiming_uniform_} with PyTorch's defaults: a = 0, mode fan_in, leaky_relu (gain √2). */
    public static Tensor kaimingUniform(RandomGenerator rng, int... shape) {
        return kaimingUniform(rng, Shape.of(shape), 0.0, "fan_in", "leaky_relu");
    }

    /**
     * {@code kaiming_uniform_(a, mode, nonlinearity)}: U(−b, b) with b = gain × √(3 / fan), gain
     * from {@link #gain(String, double)}.
     */
    public static Tensor kaimingUniform(RandomGenerator rng, Shape shape, double a, String mode, String nonlinearity) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(shape, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(rng, -bound, bound, shape.dims());
    }

    /** {@code kaiming_normal_} with PyTorch's defaults: N(0, gain² / fan_in), gain √2. */
    public static Tensor kaimingNormal(RandomGenerator rng, int... shape) {
        return kaimingNormal(rng, Shape.of(shape), 0.0, "fan_in", "leaky_relu");
    }

    /** {@code kaiming_normal_(a, mode, nonlinearity)}: N(0, (gain / √fan)²). */
    public static Tensor kaimingNormal(RandomGenerator rng, Shape shape, double a, String mode, String nonlinearity) {
        return normal(rng, 0.0, gain(nonlinearity, a) / Math.sqrt(fan(shape, mode)), shape.dims());
    }

    /** {@code xavier_uniform_} with gain 1. */
    public static Tensor xavierUniform(RandomGenerator rng, int... shape) {
        return xavierUniform(rng, Shape.of(shape), 1.0);
    }

    /** {@code xavier_uniform_(gain)}: U(−b, b) with b = gain × √(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(RandomGenerator rng, Shape shape, double gain) {
        int[] f = fans(shape);
        double std = gain * Math.sqrt(2.0 / (f[0] + f[1]));
        double bound = Math.sqrt(3.0) * std;
        return uniform(rng, -bound, bound, shape.dims());
    }

    /** {@code xavier_normal_} with gain 1. */
    public static Tensor xavierNormal(RandomGenerator rng, int... shape) {
        return xavierNormal(rng, Shape.of(shape), 1.0);
    }

    /** {@code xavier_normal_(gain)}: N(0, gain² × 2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal(RandomGenerator rng, Shape shape, double gain) {
        int[] f = fans(shape);
        return normal(rng, 0.0, gain * Math.sqrt(2.0 / (f[0] + f[1])), shape.dims());
    }

    /**
     * {fan_in, fan_out} of a weight, as PyTorch computes them.
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions, as PyTorch
     */
    public static int[] fans(Shape shape) {
        if (shape.rank() < 2) {
            throw new IllegalArgumentException("fan in and fan out cannot be computed for a tensor of shape " + shape
                    + " (fewer than 2 dimensions)");
        }
        int receptive = 1;
        for (int i = 2; i < shape.rank(); i++) {
            receptive *= shape.dim(i);
        }
        return new int[] {shape.dim(1) * receptive, shape.dim(0) * receptive};
    }

    private static int fan(Shape shape, String mode) {
        int[] f = fans(shape);
        return switch (mode) {
            case "fan_in" -> f[0];
            case "fan_out" -> f[1];
            default -> throw new IllegalArgumentException("mode must be 'fan_in' or 'fan_out', got '" + mode + "'");
        };
    }

    /**
     * PyTorch's {@code calculate_gain(nonlinearity, param)}: 1 for linear/conv/sigmoid, 5/3 for
     * tanh, √2 for relu, √(2 / (1 + param²)) for leaky_relu (param is the negative slope), 3/4 for
     * selu.
     */
    public static double gain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                    "conv_transpose3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3.0;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 3.0 / 4.0;
            default -> throw new IllegalArgumentException("unsupported nonlinearity '" + nonlinearity + "'");
        };
    }
}
