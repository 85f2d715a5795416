package dev.gradcheck;

import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Custom ops for the sensitivity tests: planted bugs too small for PyTorch's tolerance (or on a
 * branch its single point never reaches), and correct but ill-conditioned ops that must not
 * raise false alarms. The same bugs are written in /work/tools/torch_planted.py for PyTorch.
 */
final class SensitivityOps {
    private SensitivityOps() {
    }

    /** y_i = f(x_i) on a [4, 8] input, with backward g_i·df(x_i). */
    static CustomOp elementwise(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        return LambdaOp.named(name).shape(4, 8).forward(Elementwise.forward(f)).backward(Elementwise.backward(df))
                .build();
    }

    // ---- a smooth test function: f = sin(x) + x²/4, f' = cos(x) + x/2
    static double smooth(double x) {
        return Math.sin(x) + x * x / 4;
    }

    static double smoothGrad(double x) {
        return Math.cos(x) + x / 2;
    }

    /** f' off by the relative factor 1 + rel. */
    static CustomOp scaled(double rel) {
        return elementwise("off-by-" + rel, SensitivityOps::smooth, x -> smoothGrad(x) * (1 + rel));
    }

    // ---- GELU, tanh approximation: 0.5·x·(1 + tanh(c·(x + 0.044715·x³))), c = sqrt(2/π)
    static double gelu(double x, double pi) {
        double c = Math.sqrt(2 / pi);
        return 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x)));
    }

    static double geluGrad(double x, double pi) {
        double c = Math.sqrt(2 / pi);
        double t = Math.tanh(c * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
    }

    static CustomOp gelu(boolean bug) {
        return elementwise(bug ? "gelu-3.14" : "gelu", x -> gelu(x, Math.PI),
                x -> geluGrad(x, bug ? 3.14 : Math.PI));
    }

    // ---- stable softplus: x > 20 ? x : log1p(exp(x)); the shortcut's gradient is 1
    static double softplus(double x) {
        return x > 20 ? x : Math.log1p(Math.exp(x));
    }

    static CustomOp softplus(boolean bug) {
        return elementwise(bug ? "softplus-shortcut" : "softplus", SensitivityOps::softplus,
                x -> x > 20 ? (bug ? 0 : 1) : 1 / (1 + Math.exp(-x)));
    }

    /** Layer norm over the last dimension of a [4, 8] input: (x − μ)/sqrt(var + eps). */
    static final class LayerNorm implements CustomOp {
        private final double eps;
        private final boolean forgetEps;

        LayerNorm(double eps, boolean forgetEps) {
            this.eps = eps;
            this.forgetEps = forgetEps;
        }

        @Override
        public String name() {
            return forgetEps ? "layernorm-no-eps-in-backward" : "layernorm-eps-" + eps;
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{4, 8}};
        }

        @Override
        public double[] forward(double[][] in) {
            return norm(in[0], eps);
        }

        private static double[] norm(double[] x, double eps) {
            double[] y = new double[x.length];
            for (int r = 0; r < 4; r++) {
                double mu = 0;
                for (int c = 0; c < 8; c++) {
                    mu += x[r * 8 + c];
                }
                mu /= 8;
                double var = 0;
                for (int c = 0; c < 8; c++) {
                    double d = x[r * 8 + c] - mu;
                    var += d * d;
                }
                var /= 8;
                double s = Math.sqrt(var + eps);
                for (int c = 0; c < 8; c++) {
                    y[r * 8 + c] = (x[r * 8 + c] - mu) / s;
                }
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] x = in[0];
            double e = forgetEps ? 0 : eps;
            double[] dx = new double[x.length];
            for (int r = 0; r < 4; r++) {
                double mu = 0;
                for (int c = 0; c < 8; c++) {
                    mu += x[r * 8 + c];
                }
                mu /= 8;
                double var = 0;
                for (int c = 0; c < 8; c++) {
                    double d = x[r * 8 + c] - mu;
                    var += d * d;
                }
                var /= 8;
                double s = Math.sqrt(var + e);
                double mg = 0;
                double mgx = 0;
                for (int c = 0; c < 8; c++) {
                    mg += g[r * 8 + c];
                    // x̂ as the forward sees it (with eps) in the second term: only 1/s forgets eps
                    mgx += g[r * 8 + c] * (x[r * 8 + c] - mu) / Math.sqrt(var + eps);
                }
                mg /= 8;
                mgx /= 8;
                for (int c = 0; c < 8; c++) {
                    double xh = (x[r * 8 + c] - mu) / Math.sqrt(var + eps);
                    dx[r * 8 + c] = (g[r * 8 + c] - mg - xh * mgx) / s;
                }
            }
            return new double[][] {dx};
        }
    }

    /** The planted bugs of the issue, each caught by the default check. */
    static List<CustomOp> plantedBugs() {
        return List.of(scaled(1e-3), scaled(1e-4), scaled(1e-5), new LayerNorm(1e-5, true), gelu(true),
                softplus(true));
    }

    // ---- correct but ill-conditioned
    /** (1 − cos x)/x², computed with cancellation; its derivative by series near 0 (stable). */
    static double oneMinusCosOverX2(double x) {
        return (1 - Math.cos(x)) / (x * x);
    }

    static double oneMinusCosOverX2Grad(double x) {
        if (Math.abs(x) < 1) {
            // f = Σ_k (−1)^k x^{2k} / (2k+2)!, f' = Σ_{k≥1} (−1)^k 2k x^{2k−1} / (2k+2)!
            double s = 0;
            double fact = 2; // (2k+2)! at k = 0
            for (int k = 1; k < 14; k++) {
                fact *= (2 * k + 1) * (2 * k + 2);
                s += (k % 2 == 0 ? 1 : -1) * 2 * k * Math.pow(x, 2 * k - 1) / fact;
            }
            return s;
        }
        return (x * Math.sin(x) - 2 * (1 - Math.cos(x))) / (x * x * x);
    }

    /** (eᕽ − 1)/x, computed with cancellation; derivative by series near 0. */
    static double expm1OverX(double x) {
        return (Math.exp(x) - 1) / x;
    }

    static double expm1OverXGrad(double x) {
        if (Math.abs(x) < 0.5) {
            // f = Σ x^k/(k+1)!, f' = Σ_{k≥1} k x^{k−1}/(k+1)!
            double s = 0;
            double fact = 1;
            for (int k = 1; k < 20; k++) {
                fact *= (k + 1);
                s += k * Math.pow(x, k - 1) / fact;
            }
            return s;
        }
        return (x * Math.exp(x) - Math.exp(x) + 1) / (x * x);
    }

    /** Correct custom ops for the no-false-alarm test at the default draws. */
    static List<CustomOp> correctIllConditioned() {
        return List.of(
                elementwise("exp(exp(x))", x -> Math.exp(Math.exp(x)), x -> Math.exp(x + Math.exp(x))),
                elementwise("x^10", x -> Math.pow(x, 10), x -> 10 * Math.pow(x, 9)),
                elementwise("(1-cos x)/x^2", SensitivityOps::oneMinusCosOverX2,
                        SensitivityOps::oneMinusCosOverX2Grad),
                elementwise("(e^x-1)/x", SensitivityOps::expm1OverX, SensitivityOps::expm1OverXGrad),
                elementwise("log(1+x) naive", x -> Math.log(1 + x), x -> 1 / (1 + x)),
                elementwise("sin", Math::sin, Math::cos),
                elementwise("smooth", SensitivityOps::smooth, SensitivityOps::smoothGrad),
                new LayerNorm(1e-5, false), new LayerNorm(1e-12, false), gelu(false), softplus(false));
    }
}
