package dev.gradcheck.corpus;

import static dev.gradcheck.corpus.Ported.binary;
import static dev.gradcheck.corpus.Ported.sigmoid;
import static dev.gradcheck.corpus.Ported.unary;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import java.util.Set;

/**
 * The corpus: gradient bugs that shipped in public projects (autograd libraries, numerical-AD
 * tools, deep-learning-from-scratch code), each ported with its fix. Shapes are chosen for the
 * port; constants (alpha, beta, thresholds) are those of the report. Sources were read on GitHub:
 * each entry names the repository and the issue, pull request or commit.
 */
final class RealBugs {
    private RealBugs() {
    }

    private static final int[] S48 = {4, 8};
    private static final int[] S34 = {3, 4};

    private static List<Set<String>> cause(String... kinds) {
        return List.of(Set.of(kinds));
    }

    static List<RealBug> all() {
        return List.of(
                // JAX's custom_vjp docs: f(x, y) = sin(x)·y with df/dy written as -sin(x)
                new RealBug("jax_custom_vjp_sign", "jax-ml/jax#3213 (fixed by #3219; again in #13048)",
                        "the gradient for y of sin(x)·y carries a stray minus sign",
                        binary("sin_x_times_y", S34, (a, b) -> Math.sin(a) * b, (a, b, z, g) -> Math.cos(a) * b * g,
                                (a, b, z, g) -> -Math.sin(a) * g),
                        binary("sin_x_times_y", S34, (a, b) -> Math.sin(a) * b, (a, b, z, g) -> Math.cos(a) * b * g,
                                (a, b, z, g) -> Math.sin(a) * g),
                        cause("only_input", "sign")),
                // PyTorch elu_backward chose the branch by the output's sign: with alpha < 0 the output
                // of x < 0 is positive, so the gradient there came out as grad (derivative 1)
                new RealBug("torch_elu_negative_alpha", "pytorch/pytorch#47671 (fixed by #49272)",
                        "ELU with alpha = -2: backward branches on the output, giving derivative 1 where x < 0",
                        unary("elu_alpha_minus2", S48, RealBugs::eluMinus2,
                                (x, y, g) -> y <= 0 ? g * (y - 2) : g),
                        unary("elu_alpha_minus2", S48, RealBugs::eluMinus2,
                                (x, y, g) -> x > 0 ? g : g * -2 * Math.exp(x)),
                        cause("derivative_one")),
                // ND4J SoftPlus.doDiff returned sigmoid(x) itself instead of sigmoid(x)·gradient
                new RealBug("nd4j_softplus_no_chain", "deeplearning4j/nd4j#2410 (fixed by #2427)",
                        "softplus backward returns sigmoid(x), not multiplied by the incoming gradient",
                        unary("softplus", S48, x -> Math.log1p(Math.exp(x)), (x, y, g) -> sigmoid(x)),
                        unary("softplus", S48, x -> Math.log1p(Math.exp(x)), (x, y, g) -> g * sigmoid(x)),
                        cause("ignores_grad_output")),
                // PyTorch softplus_backward tested the threshold on the output instead of the input
                new RealBug("torch_softplus_threshold_on_output",
                        "pytorch/pytorch#55587 (fixed by #56484; reported again as #61568 with beta 3, threshold 1)",
                        "softplus(beta 3, threshold 1) backward applies the linear branch where beta·output > threshold",
                        unary("softplus_b3_t1", new int[] {8, 16}, RealBugs::softplusB3T1, (x, y, g) -> {
                            double z = Math.exp(3 * y);
                            return 3 * y > 1 ? g : g * (z - 1) / z;
                        }),
                        unary("softplus_b3_t1", new int[] {8, 16}, RealBugs::softplusB3T1,
                                (x, y, g) -> 3 * x > 1 ? g : g * sigmoid(3 * x)),
                        cause("derivative_one")),
                // PyTorch 1.5 hardsigmoid_backward gave grad/6 below -3, where the function is flat
                new RealBug("torch_hardsigmoid_below_minus3", "pytorch/pytorch#51438 and #51408 (fixed by #51454)",
                        "hardsigmoid backward is 1/6 instead of 0 for x < -3",
                        unary("hardsigmoid", S48, RealBugs::hardsigmoid, (x, y, g) -> x >= 3 ? 0 : g / 6),
                        unary("hardsigmoid", S48, RealBugs::hardsigmoid, (x, y, g) -> Math.abs(x) < 3 ? g / 6 : 0),
                        cause("region")),
                // Enzyme-JAX's derivative rule for atan2 had both partial derivatives' signs flipped
                new RealBug("enzyme_atan2_signs", "EnzymeAD/Enzyme-JAX#2066",
                        "atan2's partial derivatives both carry the wrong sign",
                        binary("atan2", S34, Math::atan2, (a, b, z, g) -> -b / (a * a + b * b) * g,
                                (a, b, z, g) -> a / (a * a + b * b) * g),
                        binary("atan2", S34, Math::atan2, (a, b, z, g) -> b / (a * a + b * b) * g,
                                (a, b, z, g) -> -a / (a * a + b * b) * g),
                        cause("sign")),
                // MLX's ArcTan2::vjp gave grad/(x1² + x2²) for x1, without the x2 numerator
                new RealBug("mlx_arctan2_numerator", "ml-explore/mlx#2451 (fixed by #2453)",
                        "arctan2's gradient for its first argument misses the second argument in the numerator",
                        binary("arctan2", S34, Math::atan2, (a, b, z, g) -> g / (a * a + b * b),
                                (a, b, z, g) -> -a / (a * a + b * b) * g),
                        binary("arctan2", S34, Math::atan2, (a, b, z, g) -> b / (a * a + b * b) * g,
                                (a, b, z, g) -> -a / (a * a + b * b) * g),
                        cause("times_input")),
                // Mooncake.jl's copysign rule dropped the sign(x) factor of d copysign(x, y)/dx
                new RealBug("mooncake_copysign", "chalk-lab/Mooncake.jl#1195",
                        "copysign's derivative for x is sign(y), missing sign(x): wrong where x < 0",
                        binary("copysign", S34, Math::copySign, (a, b, z, g) -> Math.signum(b) * g, (a, b, z, g) -> 0),
                        binary("copysign", S34, Math::copySign, (a, b, z, g) -> Math.signum(a) * Math.signum(b) * g,
                                (a, b, z, g) -> 0),
                        cause("region", "sign")),
                // TVM Relay's tanh gradient: grad * ones_like(y) - y * y, parentheses missing
                new RealBug("tvm_tanh_parens", "apache/tvm#7340",
                        "tanh's gradient computed as grad - y² instead of grad·(1 - y²)",
                        unary("tanh", S48, Math::tanh, (x, y, g) -> g - y * y),
                        unary("tanh", S48, Math::tanh, (x, y, g) -> g * (1 - y * y)),
                        cause("grad_output_offset")),
                // tt-metal's ldexp_bw: exp(other)·ln2 (not 2^other) and no use of grad at all
                new RealBug("ttmetal_ldexp", "tenstorrent/tt-metal#6533",
                        "ldexp's backward ignores grad (and takes exp(o)·ln2 for 2^o)",
                        binary("ldexp", S34, (a, b) -> a * Math.pow(2, b), (a, b, z, g) -> Math.exp(b) * Math.log(2),
                                (a, b, z, g) -> a * Math.exp(b) * Math.log(2) * Math.log(2)),
                        binary("ldexp", S34, (a, b) -> a * Math.pow(2, b), (a, b, z, g) -> g * Math.pow(2, b),
                                (a, b, z, g) -> g * a * Math.pow(2, b) * Math.log(2)),
                        cause("ignores_grad_output")),
                // micrograd_c's backward_subtract gave the subtrahend +grad
                new RealBug("micrograd_c_subtract", "KhawajaAbaid/micrograd_c#1 (fixed in 1f7a98d)",
                        "a - b: the gradient of b is +grad instead of -grad",
                        binary("sub", S34, (a, b) -> a - b, (a, b, z, g) -> g, (a, b, z, g) -> g),
                        binary("sub", S34, (a, b) -> a - b, (a, b, z, g) -> g, (a, b, z, g) -> -g),
                        cause("only_input", "sign")),
                // tinyflow's div gradient for b divided (grad·a) by -(grad·a): a constant -1
                new RealBug("tinyflow_div_constant", "tqchen/tinyflow#20 (commit e5ca0ff)",
                        "a / b: the gradient of b is (g·a) / (-(g·a)) = -1 whatever g, a and b",
                        binary("div", S34, (a, b) -> a / b, (a, b, z, g) -> g / b, (a, b, z, g) -> (g * a) / (-(g * a))),
                        binary("div", S34, (a, b) -> a / b, (a, b, z, g) -> g / b, (a, b, z, g) -> -(g * a) / (b * b)),
                        List.of(Set.of("grad_output_nonlinear"), Set.of("grad_output_offset"))),
                // tinyflow before its "fix gradient" commit: g·a / b² for b, the minus sign missing
                new RealBug("tinyflow_div_sign", "tqchen/tinyflow commit 14fc77a (\"fix gradient\")",
                        "a / b: the gradient of b is g·a/b², the minus sign missing",
                        binary("div", S34, (a, b) -> a / b, (a, b, z, g) -> g / b, (a, b, z, g) -> g * a / (b * b)),
                        binary("div", S34, (a, b) -> a / b, (a, b, z, g) -> g / b, (a, b, z, g) -> -g * a / (b * b)),
                        cause("only_input", "sign")),
                // the same commit: exp's gradient multiplied grad by the input, not by the output exp(x)
                new RealBug("tinyflow_exp_input", "tqchen/tinyflow commit 14fc77a (\"fix gradient\")",
                        "exp's gradient is grad·x instead of grad·exp(x) (the formula in terms of the output, given"
                                + " the input)",
                        unary("exp", S48, Math::exp, (x, y, g) -> g * x),
                        unary("exp", S48, Math::exp, (x, y, g) -> g * y),
                        cause("input_for_output")),
                // js-pytorch's Pow.backward always returned 2a, the derivative of a² whatever the exponent
                new RealBug("jspytorch_pow_square", "eduardoleao052/js-pytorch#42",
                        "a^3's gradient computed as 2a·grad (the exponent-2 formula)",
                        unary("pow3", S48, x -> x * x * x, (x, y, g) -> 2 * x * g),
                        unary("pow3", S48, x -> x * x * x, (x, y, g) -> 3 * x * x * g),
                        List.of(Set.of("smooth_factor"), Set.of("times_input"))),
                // BackPACK's MSELoss derivatives scaled the mean reduction by 1/N instead of 1/(N·D)
                new RealBug("backpack_mse_mean", "f-dangel/backpack#56",
                        "MSE with mean reduction over [N, D] = [4, 8]: scaled by 1/N instead of 1/(N·D)",
                        mseLoss(8, false), mseLoss(1, false), cause("factor")),
                // PyTorch 0.2 silently backpropagated zeros to a target that requires grad in mse_loss
                new RealBug("torch_mse_target_zero", "pytorch/pytorch#3876",
                        "mse_loss's gradient for the target is zero",
                        mseLoss(1, true), mseLoss(1, false), cause("only_input", "zero")),
                // numpy_neural_network's sigmoid_backward: sigmoid(1 - sigmoid(next_dz)), no input at all
                new RealBug("yizt_sigmoid_backward", "yizt/numpy_neural_network#3",
                        "sigmoid backward computes sigmoid(1 - sigmoid(grad)): a function of the gradient alone",
                        unary("sigmoid", S48, Ported::sigmoid, (x, y, g) -> sigmoid(1 - sigmoid(g))),
                        unary("sigmoid", S48, Ported::sigmoid, (x, y, g) -> g * y * (1 - y)),
                        List.of(Set.of("grad_output_offset"), Set.of("grad_output_nonlinear"))),
                // libBrain passed the activation to the derivative, which expects the weighted sum
                new RealBug("libbrain_derivative_of_activation", "benoitfragit/libBrain#78",
                        "sigmoid's derivative evaluated at the activation: sigmoid'(sigmoid(x))",
                        unary("sigmoid", S48, Ported::sigmoid, (x, y, g) -> g * sigmoid(y) * (1 - sigmoid(y))),
                        unary("sigmoid", S48, Ported::sigmoid, (x, y, g) -> g * y * (1 - y)),
                        cause("output_for_input")),
                // interviews.ai's Sigmoid.backward: self.x·(1 - self.x) with self.x the input
                new RealBug("interviews_sigmoid_input", "BoltzmannEntropy/interviews.ai#15 (and #4)",
                        "sigmoid's derivative y(1 - y) computed with the input: x(1 - x)",
                        unary("sigmoid", S48, Ported::sigmoid, (x, y, g) -> g * x * (1 - x)),
                        unary("sigmoid", S48, Ported::sigmoid, (x, y, g) -> g * y * (1 - y)),
                        cause("input_for_output")),
                // flashlight's batched matmul left the lhs gradient unreduced over the broadcast batch
                new RealBug("flashlight_bmm_unreduced", "flashlight/flashlight#760",
                        "matmul of [M, K] by a batch [B, K, N]: the [M, K] operand's gradient is not summed over B",
                        batchedMatmul(false), batchedMatmul(true), cause("unreduced_broadcast")),
                // ocannl's pointpow gradient was a copy-pasted relu gradient
                new RealBug("ocannl_pointpow_relu", "ahrefs/ocannl#73",
                        "x³'s gradient is relu's: grad where x > 0, 0 elsewhere",
                        unary("pow3", S48, x -> x * x * x, (x, y, g) -> x > 0 ? g : 0),
                        unary("pow3", S48, x -> x * x * x, (x, y, g) -> 3 * x * x * g),
                        cause("step_derivative")));
    }

    private static double eluMinus2(double x) {
        return x > 0 ? x : -2 * (Math.exp(x) - 1);
    }

    private static double softplusB3T1(double x) {
        return 3 * x > 1 ? x : Math.log1p(Math.exp(3 * x)) / 3;
    }

    private static double hardsigmoid(double x) {
        return x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5;
    }

    /** mean((x − t)²) over [4, 8]; the gradient scaled by {@code factor}, the target's zeroed when asked. */
    static CustomOp mseLoss(double factor, boolean targetZero) {
        return LambdaOp.named("mse_loss").shapes(S48, S48).forward(in -> {
            double s = 0;
            for (int i = 0; i < in[0].length; i++) {
                double d = in[0][i] - in[1][i];
                s += d * d;
            }
            return new double[] {s / in[0].length};
        }).backward((in, g) -> {
            int n = in[0].length;
            double[] dx = new double[n];
            double[] dt = new double[n];
            for (int i = 0; i < n; i++) {
                double d = 2 * (in[0][i] - in[1][i]) / n * g[0] * factor;
                dx[i] = d;
                dt[i] = targetZero ? 0 : -d;
            }
            return new double[][] {dx, dt};
        }).build();
    }

    /** lhs [3, 4] times each of a batch rhs [2, 4, 5]: out [2, 3, 5]; the lhs gradient summed over the batch, or not. */
    static CustomOp batchedMatmul(boolean reduced) {
        return LambdaOp.named("matmul_broadcast").shapes(new int[] {3, 4}, new int[] {2, 4, 5}).forward(in -> {
            double[] out = new double[2 * 3 * 5];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        double s = 0;
                        for (int k = 0; k < 4; k++) {
                            s += in[0][i * 4 + k] * in[1][b * 20 + k * 5 + j];
                        }
                        out[b * 15 + i * 5 + j] = s;
                    }
                }
            }
            return out;
        }).backward((in, g) -> {
            double[] dl = new double[reduced ? 12 : 24];
            double[] dr = new double[40];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        double go = g[b * 15 + i * 5 + j];
                        for (int k = 0; k < 4; k++) {
                            dl[(reduced ? 0 : b * 12) + i * 4 + k] += go * in[1][b * 20 + k * 5 + j];
                            dr[b * 20 + k * 5 + j] += go * in[0][i * 4 + k];
                        }
                    }
                }
            }
            return new double[][] {dl, dr};
        }).build();
    }
}
