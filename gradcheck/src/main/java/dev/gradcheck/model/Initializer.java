package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Makes the initial values of inputs and params, reproducibly from the model's {@code seed}.
 *
 * <p>The random stream is one {@code java.util.SplittableRandom(seed)} (SplitMix64, whose output
 * is specified and the same on every JVM), consumed in file order: every entry of {@code inputs}
 * in order, then every entry of {@code params} (for the {@code layers} shorthand, layer by layer,
 * weight before bias), each tensor in row-major order. Entries whose init is not random consume
 * nothing. Per element:
 * <ul>
 *   <li>uniform(low, high): {@code low + (high - low) * u} with {@code u = nextDouble()};</li>
 *   <li>normal(mean, std): Box–Muller from two draws, {@code mean + std * sqrt(-2 ln(1 - u1)) * cos(2π u2)};</li>
 *   <li>randint(low, high): {@code low + floor(u * (high - low))};</li>
 *   <li>kaiming: normal(0, {@code sqrt(2 / (1 + a²)) / sqrt(fan)}); xavier: uniform(±{@code gain * sqrt(6 / (fan_in + fan_out))}),
 *       with PyTorch's fans: {@code fan_in = shape[1] * receptive}, {@code fan_out = shape[0] * receptive},
 *       {@code receptive} the product of {@code shape[2:]} (so a linear weight [out, in] has fan_in = in,
 *       a conv2d weight [out, in, kh, kw] has fan_in = in·kh·kw).</li>
 * </ul>
 */
public final class Initializer {
    private final SplittableRandom rng;

    /** A stream for {@code seed}. */
    public Initializer(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** The value of {@code spec}, drawing from this stream when its init is random. */
    public Tensor make(TensorSpec spec) {
        Shape shape = spec.shape();
        double[] d = new double[shape.size()];
        InitSpec init = spec.init();
        if (init instanceof InitSpec.Zeros) {
            // zeros already
        } else if (init instanceof InitSpec.Ones) {
            Arrays.fill(d, 1.0);
        } else if (init instanceof InitSpec.Normal n) {
            normal(d, n.mean(), n.std());
        } else if (init instanceof InitSpec.Uniform u) {
            uniform(d, u.low(), u.high());
        } else if (init instanceof InitSpec.RandInt r) {
            double span = (double) (r.high() - r.low());
            for (int i = 0; i < d.length; i++) {
                d[i] = r.low() + Math.floor(rng.nextDouble() * span);
            }
        } else if (init instanceof InitSpec.Kaiming k) {
            long[] fans = fans(shape);
            double gain = Math.sqrt(2.0 / (1 + k.a() * k.a()));
            normal(d, 0, gain / Math.sqrt(k.fanOut() ? fans[1] : fans[0]));
        } else if (init instanceof InitSpec.Xavier x) {
            long[] fans = fans(shape);
            double bound = x.gain() * Math.sqrt(6.0 / (fans[0] + fans[1]));
            uniform(d, -bound, bound);
        } else if (init instanceof InitSpec.Value v) {
            System.arraycopy(v.values(), 0, d, 0, d.length);
        } else if (init instanceof InitSpec.File f) {
            d = f.tensor().data();
        }
        if (spec.dtype() != DType.INT64) {
            return Tensor.of(d, shape);
        }
        long[] ints = new long[d.length]; // integers already: the parser and randint make no others
        for (int i = 0; i < d.length; i++) {
            ints[i] = (long) d[i];
        }
        return Tensor.ofLongs(ints, shape.dims());
    }

    private void normal(double[] d, double mean, double std) {
        for (int i = 0; i < d.length; i++) {
            double u1 = rng.nextDouble();
            double u2 = rng.nextDouble();
            d[i] = mean + std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        }
    }

    private void uniform(double[] d, double low, double high) {
        for (int i = 0; i < d.length; i++) {
            d[i] = low + (high - low) * rng.nextDouble();
        }
    }

    /**
     * PyTorch's {@code _calculate_fan_in_and_fan_out}: {fan_in, fan_out} of a tensor of rank ≥ 2.
     *
     * @throws IllegalArgumentException for rank &lt; 2
     */
    public static long[] fans(Shape shape) {
        if (shape.rank() < 2) {
            throw new IllegalArgumentException("fan in and fan out need a tensor of rank 2 or more, got shape " + shape);
        }
        long receptive = 1;
        for (int i = 2; i < shape.rank(); i++) {
            receptive *= shape.dim(i);
        }
        return new long[] {shape.dim(1) * receptive, shape.dim(0) * receptive};
    }
}
