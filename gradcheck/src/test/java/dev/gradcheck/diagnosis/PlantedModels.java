package dev.gradcheck.diagnosis;

import dev.gradcheck.CustomOp;
import dev.gradcheck.testing.LambdaOp;
import java.util.function.DoubleBinaryOperator;

/**
 * Small models with planted gradient bugs for {@link FindingsTest}: losses of parameters over fixed
 * data (a logistic loss, a ridge regression), an op using one input twice, a dense tanh layer.
 */
final class PlantedModels {
    private PlantedModels() {
    }

    /** Σ_i softplus(w·x_i) - t_i·(w·x_i) over 8 fixed samples of 5 features, of w; backward Σ_i g·d(w·x_i, t_i)·x_i. */
    static CustomOp crossEntropy(DoubleBinaryOperator d) {
        double[][] xs = samples(640, 8, 5);
        double[] ts = new double[8];
        for (int i = 0; i < 8; i++) {
            ts[i] = xs[i][0] + xs[i][1] > 0 ? 1 : 0; // labels a linear model can nearly fit
        }
        return LambdaOp.named("cross_entropy").shape(5).forward(in -> {
            double loss = 0;
            for (int i = 0; i < 8; i++) {
                double z = dot(in[0], xs[i]);
                loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - ts[i] * z;
            }
            return new double[] {loss};
        }).backward((in, g) -> {
            double[] grad = new double[5];
            for (int i = 0; i < 8; i++) {
                double s = d.applyAsDouble(dot(in[0], xs[i]), ts[i]);
                for (int k = 0; k < 5; k++) {
                    grad[k] += g[0] * s * xs[i][k];
                }
            }
            return new double[][] {grad};
        }).build();
    }

    static double dot(double[] w, double[] x) {
        double s = 0;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * x[k];
        }
        return s;
    }

    /** Σ_i (w·x_i - y_i)² + (forwardDecay/2)·|w|² over 8 fixed samples of 6 features, of w; backward with backwardDecay·w. */
    static CustomOp penalisedRegression(double forwardDecay, double backwardDecay) {
        return regression("ridge", forwardDecay, backwardDecay, 1);
    }

    /** y = w·x1 + w·x2 elementwise, of (w, x1, x2) of [4, 6]; w's gradient g·x1 assigned, then g·x2 over it. */
    static CustomOp usedTwice() {
        return LambdaOp.named("used_twice").shapes(new int[] {4, 6}, new int[] {4, 6}, new int[] {4, 6}).forward(in -> {
            double[] y = new double[24];
            for (int k = 0; k < 24; k++) {
                y[k] = in[0][k] * in[1][k] + in[0][k] * in[2][k];
            }
            return y;
        }).backward((in, g) -> {
            double[] dw = new double[24];
            double[] d1 = new double[24];
            double[] d2 = new double[24];
            for (int k = 0; k < 24; k++) {
                dw[k] = g[k] * in[1][k];
                dw[k] = g[k] * in[2][k];
                d1[k] = g[k] * in[0][k];
                d2[k] = g[k] * in[0][k];
            }
            return new double[][] {dw, d1, d2};
        }).build();
    }

    /** The regression without penalty, its backward twice the gradient. */
    static CustomOp penalisedRegression2x() {
        return regression("ridge", 0, 0, 2);
    }

    private static CustomOp regression(String name, double forwardDecay, double backwardDecay, double scale) {
        double[][] xs = samples(5, 8, 6);
        double[] ys = samples(6, 1, 8)[0];
        return LambdaOp.named(name).shape(6).forward(in -> {
            double loss = 0;
            for (int i = 0; i < 8; i++) {
                double r = dot(in[0], xs[i]) - ys[i];
                loss += r * r;
            }
            for (double w : in[0]) {
                loss += 0.5 * forwardDecay * w * w;
            }
            return new double[] {loss};
        }).backward((in, g) -> {
            double[] grad = new double[6];
            for (int i = 0; i < 8; i++) {
                double r = dot(in[0], xs[i]) - ys[i];
                for (int k = 0; k < 6; k++) {
                    grad[k] += g[0] * scale * 2 * r * xs[i][k];
                }
            }
            for (int k = 0; k < 6; k++) {
                grad[k] += g[0] * backwardDecay * in[0][k];
            }
            return new double[][] {grad};
        }).build();
    }

    /**
     * tanh(x·W + b) of x [4, 3], W [3, 5], b [5]; b's gradient from row {@code biasRow} of the batch
     * only, or summed over the rows (-1), or their mean (-2).
     */
    static CustomOp denseTanh(int biasRow) {
        return LambdaOp.named("dense_tanh").shapes(new int[] {4, 3}, new int[] {3, 5}, new int[] {5}).forward(in -> {
            double[] y = new double[20];
            for (int b = 0; b < 4; b++) {
                for (int j = 0; j < 5; j++) {
                    double z = in[2][j];
                    for (int k = 0; k < 3; k++) {
                        z += in[0][b * 3 + k] * in[1][k * 5 + j];
                    }
                    y[b * 5 + j] = Math.tanh(z);
                }
            }
            return y;
        }).backward((in, g) -> {
            double[] dx = new double[12];
            double[] dw = new double[15];
            double[] db = new double[5];
            for (int b = 0; b < 4; b++) {
                for (int j = 0; j < 5; j++) {
                    double z = in[2][j];
                    for (int k = 0; k < 3; k++) {
                        z += in[0][b * 3 + k] * in[1][k * 5 + j];
                    }
                    double t = Math.tanh(z);
                    double dz = g[b * 5 + j] * (1 - t * t);
                    for (int k = 0; k < 3; k++) {
                        dx[b * 3 + k] += dz * in[1][k * 5 + j];
                        dw[k * 5 + j] += in[0][b * 3 + k] * dz;
                    }
                    if (biasRow < 0 || b == biasRow) {
                        db[j] += biasRow == -2 ? dz / 4 : dz;
                    }
                }
            }
            return new double[][] {dx, dw, db};
        }).build();
    }

    /** {@code rows} fixed samples of {@code cols} features, uniform in [-1, 1), from {@code seed}. */
    static double[][] samples(long seed, int rows, int cols) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        double[][] xs = new double[rows][cols];
        for (double[] row : xs) {
            for (int k = 0; k < cols; k++) {
                row[k] = rng.nextDouble(-1, 1);
            }
        }
        return xs;
    }

    /** tanh(x - mean of its row) over [4, 6]; the backward with or without the mean's gradient. */
    static CustomOp centred(boolean withMean) {
        return LambdaOp.named("centred_tanh").shape(4, 6).forward(in -> centredTanh(in[0])).backward((in, g) -> {
            double[] y = centredTanh(in[0]);
            double[] d = new double[24];
            for (int r = 0; r < 4; r++) {
                double sum = 0;
                for (int j = 0; j < 6; j++) {
                    sum += g[r * 6 + j] * (1 - y[r * 6 + j] * y[r * 6 + j]);
                }
                for (int j = 0; j < 6; j++) {
                    int k = r * 6 + j;
                    d[k] = g[k] * (1 - y[k] * y[k]) - (withMean ? sum / 6 : 0);
                }
            }
            return new double[][] {d};
        }).build();
    }

    private static double[] centredTanh(double[] x) {
        double[] y = new double[24];
        for (int r = 0; r < 4; r++) {
            double mean = 0;
            for (int j = 0; j < 6; j++) {
                mean += x[r * 6 + j] / 6;
            }
            for (int j = 0; j < 6; j++) {
                y[r * 6 + j] = Math.tanh(x[r * 6 + j] - mean);
            }
        }
        return y;
    }

    /** A softmax backward's entry from the output y, gradOutput g and the row's Σ g·y. */
    interface SoftmaxRule {
        double at(double y, double g, double dot);
    }

    /** Softmax over the rows of [4, 6], its backward by {@code rule}. */
    static CustomOp softmaxRows(SoftmaxRule rule) {
        return LambdaOp.named("softmax_rows").shape(4, 6).forward(in -> softmax(in[0])).backward((in, g) -> {
            double[] y = softmax(in[0]);
            double[] d = new double[24];
            for (int r = 0; r < 4; r++) {
                double dot = 0;
                for (int j = 0; j < 6; j++) {
                    dot += g[r * 6 + j] * y[r * 6 + j];
                }
                for (int j = 0; j < 6; j++) {
                    d[r * 6 + j] = rule.at(y[r * 6 + j], g[r * 6 + j], dot);
                }
            }
            return new double[][] {d};
        }).build();
    }

    private static double[] softmax(double[] x) {
        double[] y = new double[24];
        for (int r = 0; r < 4; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 6; j++) {
                max = Math.max(max, x[r * 6 + j]);
            }
            double sum = 0;
            for (int j = 0; j < 6; j++) {
                y[r * 6 + j] = Math.exp(x[r * 6 + j] - max);
                sum += y[r * 6 + j];
            }
            for (int j = 0; j < 6; j++) {
                y[r * 6 + j] /= sum;
            }
        }
        return y;
    }
}
