package dev.gradcheck.diagnosis;

import dev.gradcheck.CustomOp;

/**
 * Layers written by hand the way a student writes backprop, each with named bugs planted in its
 * backward ("ok" for the right one): batch and layer norm, a valid 1-D convolution and a linear
 * layer with a square weight.
 */
final class PlantedLayers {
    private PlantedLayers() {
    }

    /**
     * Batch norm (each column of x[rows, cols] normalised over the rows) or layer norm (each row over
     * the columns), y = γ·x̂ + β; bugs: noVar (d var/dx dropped), noMean, noMeanVar, betaNoSum,
     * gammaSquared (γ² where γ is meant: a wrong scale, not a missing term).
     */
    static CustomOp norm(boolean layer, int rows, int cols, String bug) {
        return new Norm(layer, rows, cols, bug);
    }

    private static final class Norm implements CustomOp {
        private static final double EPS = 1e-5;
        private final boolean layer;
        private final int rows;
        private final int cols;
        private final String bug;

        Norm(boolean layer, int rows, int cols, String bug) {
            this.layer = layer;
            this.rows = rows;
            this.cols = cols;
            this.bug = bug;
        }

        @Override
        public String name() {
            return (layer ? "layer_norm/" : "batch_norm/") + bug;
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{rows, cols}, {cols}, {cols}};
        }

        private int groups() {
            return layer ? rows : cols;
        }

        private int size() {
            return layer ? cols : rows;
        }

        private int at(int group, int k) {
            return layer ? group * cols + k : k * cols + group;
        }

        private int feature(int group, int k) {
            return layer ? k : group;
        }

        @Override
        public double[] forward(double[][] in) {
            double[] x = in[0];
            double[] y = new double[rows * cols];
            for (int g = 0; g < groups(); g++) {
                double[] xh = normalised(x, g);
                for (int k = 0; k < size(); k++) {
                    int f = feature(g, k);
                    y[at(g, k)] = in[1][f] * xh[k] + in[2][f];
                }
            }
            return y;
        }

        private double[] normalised(double[] x, int g) {
            int n = size();
            double mean = 0;
            for (int k = 0; k < n; k++) {
                mean += x[at(g, k)] / n;
            }
            double var = 0;
            for (int k = 0; k < n; k++) {
                var += (x[at(g, k)] - mean) * (x[at(g, k)] - mean) / n;
            }
            double s = Math.sqrt(var + EPS);
            double[] xh = new double[n + 1];
            for (int k = 0; k < n; k++) {
                xh[k] = (x[at(g, k)] - mean) / s;
            }
            xh[n] = s;
            return xh;
        }

        @Override
        public double[][] backward(double[][] in, double[] gy) {
            double[] gamma = in[1];
            double[] dx = new double[rows * cols];
            double[] dGamma = new double[cols];
            double[] dBeta = new double[cols];
            int n = size();
            for (int g = 0; g < groups(); g++) {
                double[] xh = normalised(in[0], g);
                double s = xh[n];
                double[] dxh = new double[n];
                double sum = 0;
                double sumX = 0;
                for (int k = 0; k < n; k++) {
                    int i = at(g, k);
                    int f = feature(g, k);
                    double scale = bug.equals("gammaSquared") ? gamma[f] * gamma[f] : gamma[f];
                    dxh[k] = gy[i] * scale;
                    sum += dxh[k];
                    sumX += dxh[k] * xh[k];
                    dGamma[f] += gy[i] * xh[k];
                    dBeta[f] = bug.equals("betaNoSum") ? gy[i] : dBeta[f] + gy[i];
                }
                for (int k = 0; k < n; k++) {
                    double meanTerm = bug.equals("noMean") || bug.equals("noMeanVar") ? 0 : sum;
                    double varTerm = bug.equals("noVar") || bug.equals("noMeanVar") ? 0 : xh[k] * sumX;
                    dx[at(g, k)] = (n * dxh[k] - meanTerm - varTerm) / (n * s);
                }
            }
            return new double[][] {dx, dGamma, dBeta};
        }
    }

    /**
     * A valid 1-D convolution (cross-correlation, as in PyTorch) y[i] = b + Σ_k x[i+k]·w[k] of x[n]
     * with w[3]; bugs: flip (dx uses the kernel reversed), dwFlip (dw written in reverse order),
     * offByOne (the loop over outputs stops one early), dwFactor (dw doubled).
     */
    static CustomOp conv1d(int n, String bug) {
        int outputs = n - 2;
        return new CustomOp() {
            @Override
            public String name() {
                return "conv1d/" + bug;
            }

            @Override
            public int[][] inputShapes() {
                return new int[][] {{n}, {3}, {1}};
            }

            @Override
            public double[] forward(double[][] in) {
                double[] y = new double[outputs];
                for (int i = 0; i < outputs; i++) {
                    y[i] = in[2][0];
                    for (int k = 0; k < 3; k++) {
                        y[i] += in[0][i + k] * in[1][k];
                    }
                }
                return y;
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                double[] x = in[0];
                double[] w = in[1];
                double[] dx = new double[n];
                double[] dw = new double[3];
                double[] db = new double[1];
                int last = bug.equals("offByOne") ? outputs - 1 : outputs;
                for (int i = 0; i < last; i++) {
                    db[0] += g[i];
                    for (int k = 0; k < 3; k++) {
                        int kw = bug.equals("dwFlip") ? 2 - k : k;
                        dw[kw] += g[i] * x[i + k] * (bug.equals("dwFactor") ? 2 : 1);
                        dx[i + k] += g[i] * (bug.equals("flip") ? w[2 - k] : w[k]);
                    }
                }
                return new double[][] {dx, dw, db};
            }
        };
    }

    /**
     * y = x·W + b with x[4, d], a square W[d, d] and b[d]; bugs: untransposed (dx = g·W where g·Wᵀ
     * is right), dwTransposed (dW stored transposed), biasFirstRow.
     */
    static CustomOp linear(int d, String bug) {
        return new CustomOp() {
            @Override
            public String name() {
                return "linear/" + bug;
            }

            @Override
            public int[][] inputShapes() {
                return new int[][] {{4, d}, {d, d}, {d}};
            }

            @Override
            public double[] forward(double[][] in) {
                double[] y = new double[4 * d];
                for (int r = 0; r < 4; r++) {
                    for (int j = 0; j < d; j++) {
                        y[r * d + j] = in[2][j];
                        for (int i = 0; i < d; i++) {
                            y[r * d + j] += in[0][r * d + i] * in[1][i * d + j];
                        }
                    }
                }
                return y;
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                double[] x = in[0];
                double[] w = in[1];
                double[] dx = new double[4 * d];
                double[] dw = new double[d * d];
                double[] db = new double[d];
                for (int r = 0; r < 4; r++) {
                    for (int j = 0; j < d; j++) {
                        double gj = g[r * d + j];
                        db[j] = bug.equals("biasFirstRow") ? (r == 0 ? gj : db[j]) : db[j] + gj;
                        for (int i = 0; i < d; i++) {
                            dx[r * d + i] += gj * (bug.equals("untransposed") ? w[j * d + i] : w[i * d + j]);
                            dw[bug.equals("dwTransposed") ? j * d + i : i * d + j] += x[r * d + i] * gj;
                        }
                    }
                }
                return new double[][] {dx, dw, db};
            }
        };
    }
}
