package dev.gradcheck.model;

import dev.gradcheck.engine.Tensor;

/**
 * How an input or param gets its value when no {@code --values} file gives one. Random forms
 * draw from the model's one random stream (see {@link Initializer}).
 */
public sealed interface InitSpec {
    /** All zeros ({@code "zeros"}; the default). */
    record Zeros() implements InitSpec {
    }

    /** All ones ({@code "ones"}). */
    record Ones() implements InitSpec {
    }

    /** {@code {"normal": {"mean": m, "std": s}}}, defaults mean 0, std 1. */
    record Normal(double mean, double std) implements InitSpec {
    }

    /** {@code {"uniform": {"low": a, "high": b}}}, values in [low, high); defaults 0 and 1. */
    record Uniform(double low, double high) implements InitSpec {
    }

    /** {@code {"randint": {"low": a, "high": b}}}, integers in [low, high) as {@code torch.randint}; low defaults to 0. */
    record RandInt(long low, long high) implements InitSpec {
    }

    /**
     * {@code "kaiming"} or {@code {"kaiming": {"a": 0, "mode": "fan_in"}}}: PyTorch's
     * {@code kaiming_normal_} with {@code nonlinearity="leaky_relu"}, i.e. normal with std
     * {@code sqrt(2 / (1 + a²)) / sqrt(fan)} (the ReLU gain {@code sqrt 2} for a = 0).
     */
    record Kaiming(double a, boolean fanOut) implements InitSpec {
    }

    /**
     * {@code "xavier"} or {@code {"xavier": {"gain": 1}}}: PyTorch's {@code xavier_uniform_},
     * uniform in ±{@code gain·sqrt(6 / (fan_in + fan_out))}.
     */
    record Xavier(double gain) implements InitSpec {
    }

    /** {@code {"value": nested array}}: the values given, row-major. */
    record Value(double[] values) implements InitSpec {
    }

    /** {@code {"file": "values.npz", "key": "W1"}}: an array of a data file, loaded and checked at load time. */
    record File(String file, String key, Tensor tensor) implements InitSpec {
    }

    /** True for the forms that draw from the random stream. */
    default boolean random() {
        return this instanceof Normal || this instanceof Uniform || this instanceof RandInt
                || this instanceof Kaiming || this instanceof Xavier;
    }
}
