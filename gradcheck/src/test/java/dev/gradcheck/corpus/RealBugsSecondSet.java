package dev.gradcheck.corpus;

import static dev.gradcheck.corpus.Ported.sigmoid;
import static dev.gradcheck.corpus.Ported.unary;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.special.Erf;

/**
 * A second set of gradient bugs that shipped in public projects and were fixed, gathered apart from
 * {@link RealBugs} (by another engineer, from issue trackers and commit logs, to measure the
 * diagnoser on bugs it was not built with). Entries whose causes are empty are caught and their
 * fixes pass, but no finding names their cause yet: they are kept to measure it.
 */
final class RealBugsSecondSet {
    private RealBugsSecondSet() {
    }

    private static final int[] S = {4, 6};

    private static List<Set<String>> cause(String... kinds) {
        return List.of(Set.of(kinds));
    }

    static List<RealBug> all() {
        return List.of(
                new RealBug("encog_wrong_layer_activation", "jeffheaton/encog-java-core#243",
                "backprop multiplies a hidden layer's delta by the next layer's activation derivative (linear: 1) instead of its own (tanh)",
                mlp(false), mlp(true),
                        cause("only_input")),
                new RealBug("mxnet_log_sigmoid_output", "apache/mxnet#20372 (issue #20371)",
                "log_sigmoid's gradient 1/(1+exp(a)) evaluated at the output y instead of the input x",
                unary("log_sigmoid", S, RealBugsSecondSet::logSigmoid, (x, y, g) -> g / (1 + Math.exp(y))),
                unary("log_sigmoid", S, RealBugsSecondSet::logSigmoid, (x, y, g) -> g / (1 + Math.exp(x))),
                        cause("output_for_input")),
                new RealBug("unet_dice_backward", "milesial/Pytorch-UNet#35 (fixed in 649124b)",
                "dice coefficient backward: 2·(t·U + I)/U·U (a + for the −, and U·U outside the division)",
                dice(false), dice(true),
                        List.of()),
                new RealBug("mlcourse_logreg_sign", "Yorko/mlcourse.ai#640 (fixed in ea1fb2f)",
                "logistic loss gradient with σ(y·wx) where σ(−y·wx) is meant (the minus in sigma's argument missing)",
                logreg(false), logreg(true),
                        cause("complement")),
                new RealBug("chainer_leaky_relu_slope0", "chainer/chainer#5898",
                "leaky_relu with slope 0 masks the gradient on y < 0, which never holds: gradient 1 where x < 0",
                unary("leaky_relu0", S, x -> x >= 0 ? x : 0 * x, (x, y, g) -> y < 0 ? 0 * g : g),
                unary("leaky_relu0", S, x -> x >= 0 ? x : 0 * x, (x, y, g) -> x < 0 ? 0 * g : g),
                        cause("derivative_one", "region")),
                new RealBug("torch_leaky_relu_negative_slope", "pytorch/pytorch#31938 (fixed by #33639)",
                "in-place leaky_relu_ with slope −2 branches on the output: gradient 1 where x < 0",
                unary("leaky_relu_m2", S, x -> x > 0 ? x : -2 * x, (x, y, g) -> y > 0 ? g : -2 * g),
                unary("leaky_relu_m2", S, x -> x > 0 ? x : -2 * x, (x, y, g) -> x > 0 ? g : -2 * g),
                        cause("derivative_one", "region")),
                new RealBug("chainer_huber_ignores_gy", "chainer/chainer#1178 (issue #1175)",
                "HuberLoss.backward returns clip(x0 − x1, −δ, δ) without multiplying by gy",
                huber(false), huber(true),
                        cause("ignores_grad_output")),
                new RealBug("spikingjelly_piecewise_leaky_relu", "fangwei123456/spikingjelly#413",
                "piecewise_leaky_relu's gradient inside |x| < w is 1/w where the function's slope is 1/(2w)",
                unary("piecewise_leaky_relu", S, RealBugsSecondSet::plr, (x, y, g) -> Math.abs(x) < 1 ? g / 1 : 0.01 * g),
                unary("piecewise_leaky_relu", S, RealBugsSecondSet::plr, (x, y, g) -> Math.abs(x) < 1 ? g / 2 : 0.01 * g),
                        cause("region", "factor")),
                new RealBug("mps_gelu_tanh_backward", "kulinseth/pytorch#284",
                "gelu(approximate='tanh') backward used the exact (erf) gelu's derivative",
                unary("gelu_tanh", S, RealBugsSecondSet::geluTanh, (x, y, g) -> g * geluErfPrime(x)),
                unary("gelu_tanh", S, RealBugsSecondSet::geluTanh, (x, y, g) -> g * geluTanhPrime(x)),
                        cause("sibling")),
                new RealBug("burn_cross_sign", "tracel-ai/burn#4069",
                "float_cross: the second operand's gradient has its sign flipped", cross(false), cross(true),
                        cause("only_input", "sign")),
                new RealBug("warp_sign_abs_adjoint", "NVIDIA/warp#1466",
                "vector sign()'s adjoint is abs()'s (g·sign(x)) where sign is piecewise constant",
                unary("sign", S, Math::signum, (x, y, g) -> g * Math.signum(x)),
                unary("sign", S, Math::signum, (x, y, g) -> 0),
                        cause("piecewise_constant")),
                new RealBug("taichi_cast_adjoint", "taichi-dev/taichi#687",
                "a float-to-float cast accumulates the forward value into the operand's adjoint instead of the adjoint",
                unary("cast_f64", S, x -> x, (x, y, g) -> y), unary("cast_f64", S, x -> x, (x, y, g) -> g),
                        cause("ignores_grad_output")),
                new RealBug("ttnn_hardswish_third", "tenstorrent/tt-metal#55291",
                "hardswish_bw's slope constant is 0.3333 instead of 1/3 (and its ±3 boundaries inverted)",
                unary("hardswish", S, RealBugsSecondSet::hardswish,
                        (x, y, g) -> x < -3 ? 0 : x <= 3 ? g * (x * 0.3333 + 0.5) : g),
                unary("hardswish", S, RealBugsSecondSet::hardswish,
                        (x, y, g) -> x <= -3 ? 0 : x < 3 ? g * (x / 3 + 0.5) : g),
                        cause("near_miss")),
                new RealBug("horn_sigmoid_derivative_input", "apache/incubator-retired-horn#8",
                "sigmoid's applyDerivative(x) = x(1 − x) applied to the input, the formula meant for the output",
                unary("sigmoid", S, Ported::sigmoid, (x, y, g) -> g * x * (1 - x)),
                unary("sigmoid", S, Ported::sigmoid, (x, y, g) -> g * y * (1 - y)),
                        cause("input_for_output")),
                new RealBug("phpml_hardcoded_sigmoid_derivative", "php-ai/php-ml#163 (issue #142)",
                "backpropagation hard-codes sigmoid's derivative o(1 − o) whatever the activation (here tanh)",
                unary("tanh", S, Math::tanh, (x, y, g) -> g * y * (1 - y)),
                unary("tanh", S, Math::tanh, (x, y, g) -> g * (1 - y * y)),
                        cause("sibling")),
                new RealBug("mlx_broadcast_add_vjp_zero", "ml-explore/mlx#610 (fixed by #612)",
                "(a + ones[3, 3, 3])² of a [3, 3]: the vjp for a comes back all zeros",
                bcastSquare(false), bcastSquare(true),
                        cause("zero")));
    }

    // ------------------------------------------------------------------ the ports

    static double logSigmoid(double x) {
        return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
    }

    static double plr(double x) {
        double w = 1;
        double c = 0.01;
        return x < -w ? c * x : x > w ? c * x + 1 : x / (2 * w) + 0.5;
    }

    static final double K = Math.sqrt(2 / Math.PI);

    static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x * x * x)));
    }

    static double geluTanhPrime(double x) {
        double t = Math.tanh(K * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * 0.044715 * x * x);
    }

    static double geluErfPrime(double x) {
        return 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    static double hardswish(double x) {
        return x * Math.min(Math.max(x + 3, 0), 6) / 6;
    }

    /** out = W2 · tanh(W1 · x) over a fixed batch of 5; inputs W1 [4, 3], W2 [2, 4]. */
    static CustomOp mlp(boolean fixed) {
        double[] xs = Ops.data(15, 243, -1.5, 1.5);
        return LambdaOp.named("mlp_tanh_linear").shapes(new int[] {4, 3}, new int[] {2, 4}).forward(in -> {
            double[] out = new double[10];
            for (int b = 0; b < 5; b++) {
                double[] h = hidden(in[0], xs, b);
                for (int o = 0; o < 2; o++) {
                    for (int j = 0; j < 4; j++) {
                        out[b * 2 + o] += in[1][o * 4 + j] * h[j];
                    }
                }
            }
            return out;
        }).backward((in, g) -> {
            double[] d1 = new double[12];
            double[] d2 = new double[8];
            for (int b = 0; b < 5; b++) {
                double[] h = hidden(in[0], xs, b);
                for (int j = 0; j < 4; j++) {
                    double sum = 0;
                    for (int o = 0; o < 2; o++) {
                        d2[o * 4 + j] += g[b * 2 + o] * h[j];
                        sum += in[1][o * 4 + j] * g[b * 2 + o];
                    }
                    // the bug: the next (output) layer's activation, linear, derivative 1
                    double delta = sum * (fixed ? 1 - h[j] * h[j] : 1.0);
                    for (int k = 0; k < 3; k++) {
                        d1[j * 3 + k] += delta * xs[b * 3 + k];
                    }
                }
            }
            return new double[][] {d1, d2};
        }).build();
    }

    private static double[] hidden(double[] w1, double[] xs, int b) {
        double[] h = new double[4];
        for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++) {
                s += w1[j * 3 + k] * xs[b * 3 + k];
            }
            h[j] = Math.tanh(s);
        }
        return h;
    }

    /** Pytorch-UNet's DiceCoeff of an input against a fixed binary target. */
    static CustomOp dice(boolean fixed) {
        double eps = 1e-4;
        double[] t = Ops.data(24, 35, 0, 1);
        for (int i = 0; i < t.length; i++) {
            t[i] = t[i] < 0.5 ? 0 : 1;
        }
        return LambdaOp.named("dice_coeff").shape(S).forward(in -> {
            double inter = 0;
            double union = eps;
            for (int i = 0; i < 24; i++) {
                inter += in[0][i] * t[i];
                union += in[0][i] + t[i];
            }
            return new double[] {(2 * inter + eps) / union};
        }).backward((in, g) -> {
            double inter = 0;
            double union = eps;
            for (int i = 0; i < 24; i++) {
                inter += in[0][i] * t[i];
                union += in[0][i] + t[i];
            }
            double[] d = new double[24];
            for (int i = 0; i < 24; i++) {
                d[i] = fixed ? g[0] * (2 * t[i] * union - (2 * inter + eps)) / (union * union)
                        : g[0] * 2 * (t[i] * union + inter) / union * union;
            }
            return new double[][] {d};
        }).build();
    }

    /** Σ log(1 + exp(−y·w·x)) over 8 fixed samples of 5 features, as a function of w. */
    static CustomOp logreg(boolean fixed) {
        double[] xs = Ops.data(40, 640, -1, 1);
        double[] ys = Ops.data(8, 641, -1, 1);
        for (int i = 0; i < 8; i++) {
            ys[i] = ys[i] < 0 ? -1 : 1;
        }
        return LambdaOp.named("logistic_loss").shape(5).forward(in -> {
            double s = 0;
            for (int i = 0; i < 8; i++) {
                double z = -ys[i] * dot(in[0], xs, i);
                s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
            }
            return new double[] {s};
        }).backward((in, g) -> {
            double[] d = new double[5];
            for (int i = 0; i < 8; i++) {
                double m = ys[i] * dot(in[0], xs, i);
                double s = sigmoid(fixed ? -m : m);
                for (int k = 0; k < 5; k++) {
                    d[k] += -g[0] * ys[i] * xs[i * 5 + k] * s;
                }
            }
            return new double[][] {d};
        }).build();
    }

    private static double dot(double[] w, double[] xs, int i) {
        double s = 0;
        for (int k = 0; k < 5; k++) {
            s += w[k] * xs[i * 5 + k];
        }
        return s;
    }

    /** chainer 1.x HuberLoss(δ = 1): per row Σ huber(x0 − x1); inputs [4, 6], output [4]. */
    static CustomOp huber(boolean fixed) {
        return LambdaOp.named("huber_loss").shapes(S, S).forward(in -> {
            double[] y = new double[4];
            for (int i = 0; i < 24; i++) {
                double d = in[0][i] - in[1][i];
                y[i / 6] += Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
            }
            return y;
        }).backward((in, g) -> {
            double[] g0 = new double[24];
            double[] g1 = new double[24];
            for (int i = 0; i < 24; i++) {
                double d = Math.max(-1, Math.min(1, in[0][i] - in[1][i]));
                g0[i] = fixed ? g[i / 6] * d : d;
                g1[i] = -g0[i];
            }
            return new double[][] {g0, g1};
        }).build();
    }

    /** Row-wise cross product of [4, 3] by [4, 3]. */
    static CustomOp cross(boolean fixed) {
        return LambdaOp.named("cross").shapes(new int[] {4, 3}, new int[] {4, 3}).forward(in -> {
            double[] c = new double[12];
            for (int r = 0; r < 4; r++) {
                cross(in[0], in[1], r, c, 1);
            }
            return c;
        }).backward((in, g) -> {
            double[] ga = new double[12];
            double[] gb = new double[12];
            for (int r = 0; r < 4; r++) {
                cross(in[1], g, r, ga, 1); // b × g
                if (fixed) {
                    cross(g, in[0], r, gb, 1); // g × a
                } else {
                    cross(in[0], g, r, gb, 1); // a × g: the sign flipped
                }
            }
            return new double[][] {ga, gb};
        }).build();
    }

    private static void cross(double[] a, double[] b, int r, double[] out, double s) {
        int o = r * 3;
        out[o] = s * (a[o + 1] * b[o + 2] - a[o + 2] * b[o + 1]);
        out[o + 1] = s * (a[o + 2] * b[o] - a[o] * b[o + 2]);
        out[o + 2] = s * (a[o] * b[o + 1] - a[o + 1] * b[o]);
    }

    /** (a + ones[3, 3, 3])² for a [3, 3], broadcast over the leading dimension. */
    static CustomOp bcastSquare(boolean fixed) {
        return LambdaOp.named("broadcast_add_square").shape(3, 3).forward(in -> {
            double[] y = new double[27];
            for (int k = 0; k < 27; k++) {
                double v = in[0][k % 9] + 1;
                y[k] = v * v;
            }
            return y;
        }).backward((in, g) -> {
            double[] d = new double[9];
            if (fixed) {
                for (int k = 0; k < 27; k++) {
                    d[k % 9] += 2 * (in[0][k % 9] + 1) * g[k];
                }
            }
            return new double[][] {d};
        }).build();
    }

    /** Seeded fixed data. */
    static final class Ops {
        private Ops() {
        }

        static double[] data(int n, long seed, double lo, double hi) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextDouble(lo, hi);
            }
            return v;
        }
    }
}
