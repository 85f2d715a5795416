package dev.gradcheck.bench;

import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A benchmark MLP as in PyTorch's reference script: {@code h = x; h = tanh(h @ W_i + b_i)} for
 * every layer but the last, which gives logits; loss {@code cross_entropy(logits, y)} (mean).
 * Weights {@code randn(in, out) / sqrt(in)}, biases zero, {@code x ~ randn(batch, in)},
 * {@code y ~ randint(0, classes)}, all from a seeded generator.
 *
 * @param sizes layer widths from input to classes, e.g. {@code [64, 128, 128, 10]}
 * @param batch rows of x
 */
public record MlpSpec(int[] sizes, int batch) {
    /** The three MLPs of the PyTorch reference script and the 1,055,242-parameter one. */
    public static final List<MlpSpec> STANDARD = List.of(
            new MlpSpec(new int[] {4, 8, 3}, 8),
            new MlpSpec(new int[] {16, 32, 32, 10}, 16),
            new MlpSpec(new int[] {64, 128, 128, 10}, 32),
            new MlpSpec(new int[] {512, 1024, 512, 10}, 64));

    public MlpSpec {
        if (sizes.length < 2 || batch < 1) {
            throw new IllegalArgumentException("an MLP needs at least two sizes and a batch of at least 1, got "
                    + Arrays.toString(sizes) + " and batch " + batch);
        }
        sizes = sizes.clone();
    }

    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * MLPs from a comma-separated list of widths joined by dashes, each with an optional
     * {@code @batch}, e.g. {@code "64-128-128-10,512-1024-512-10@64"}. Without a batch, the standard
     * MLP of those widths gives it, or 32.
     *
     * @throws IllegalArgumentException naming the part that is not a list of positive integers
     */
    public static List<MlpSpec> parseList(String text) {
        List<MlpSpec> r = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                String[] at = p.split("@", 2);
                int[] sizes = Arrays.stream(at[0].split("-")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                int batch = at.length == 2 ? Integer.parseInt(at[1].trim())
                        : STANDARD.stream().filter(m -> Arrays.equals(m.sizes, sizes)).mapToInt(MlpSpec::batch)
                                .findFirst().orElse(32);
                if (Arrays.stream(sizes).anyMatch(s -> s < 1)) {
                    throw new NumberFormatException("widths must be positive");
                }
                r.add(new MlpSpec(sizes, batch));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bench: MLP '" + p + "' is not widths joined by '-' with an "
                        + "optional '@batch', e.g. 64-128-128-10@32");
            }
        }
        if (r.isEmpty()) {
            throw new IllegalArgumentException("bench: no MLP given in '" + text + "'");
        }
        return r;
    }

    /** The number of parameters (weights and biases). */
    public long params() {
        long n = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            n += (long) sizes[i] * sizes[i + 1] + sizes[i + 1];
        }
        return n;
    }

    /** The name bench gives the MLP's model file (there is no such file: the model is {@link #modelJson()}). */
    public String fileName() {
        return "mlp-" + label() + ".json";
    }

    /** Layer widths joined by dashes, e.g. {@code 64-128-128-10}. */
    public String label() {
        StringBuilder b = new StringBuilder();
        for (int s : sizes) {
            b.append(b.length() == 0 ? "" : "-").append(s);
        }
        return b.toString();
    }

    /** A fresh instance: parameters (W0, b0, W1, b1, …) and the loss as a function of them. */
    public Instance build(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            int in = sizes[i];
            int out = sizes[i + 1];
            double[] w = new double[in * out];
            double s = 1.0 / Math.sqrt(in);
            for (int k = 0; k < w.length; k++) {
                w[k] = rng.nextGaussian() * s;
            }
            params.add(Tensor.of(w, in, out));
            params.add(Tensor.zeros(out));
        }
        double[] xd = new double[batch * sizes[0]];
        for (int k = 0; k < xd.length; k++) {
            xd[k] = rng.nextGaussian();
        }
        long[] yd = new long[batch];
        for (int k = 0; k < batch; k++) {
            yd[k] = rng.nextInt(sizes[sizes.length - 1]);
        }
        Tensor x = Tensor.of(xd, batch, sizes[0]);
        Tensor y = Tensor.ofLongs(yd, batch);
        Function<Tensor[], Tensor> loss = ps -> {
            Tensor h = x;
            for (int i = 0; i < ps.length; i += 2) {
                h = h.matmul(ps[i]).add(ps[i + 1]);
                if (i + 2 < ps.length) {
                    h = h.tanh();
                }
            }
            return Ops.apply("cross_entropy", h, y);
        };
        return new Instance(params.toArray(new Tensor[0]), loss);
    }

    /**
     * The same MLP as a model file ({@code layers} shorthand: linear layers with tanh between
     * them, cross-entropy), so that a check of it takes the path {@code gradcheck check} takes.
     */
    public String modelJson() {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) {
                layers.append(",\n    {\"type\": \"tanh\"},\n");
            }
            layers.append("    {\"type\": \"linear\", \"in\": ").append(sizes[i]).append(", \"out\": ")
                    .append(sizes[i + 1]).append('}');
        }
        return "{\n  \"format\": \"gradcheck-model/1\",\n  \"name\": \"mlp-" + label() + "\",\n"
                + "  \"inputs\": {\n"
                + "    \"x\": {\"shape\": [" + batch + ", " + sizes[0] + "], \"init\": {\"normal\": {\"std\": 1}}},\n"
                + "    \"y\": {\"shape\": [" + batch + "], \"dtype\": \"int64\", \"init\": {\"randint\": {\"low\": 0, "
                + "\"high\": " + sizes[sizes.length - 1] + "}}}\n  },\n"
                + "  \"layers\": [\n" + layers + "\n  ],\n"
                + "  \"input\": \"x\",\n  \"target\": \"y\",\n  \"loss\": \"cross_entropy\"\n}\n";
    }

    /** Parameters (not yet marked as requiring gradients) and the loss as a function of them. */
    public record Instance(Tensor[] params, Function<Tensor[], Tensor> loss) {
    }
}
