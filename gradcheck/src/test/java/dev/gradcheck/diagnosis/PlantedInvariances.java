package dev.gradcheck.diagnosis;

import dev.gradcheck.CustomOp;

/**
 * Ops whose forward is unchanged when every entry of a slice of an input moves by the same amount
 * (a shift invariance), written by hand with bugs planted in their backward ("ok" for the right
 * one): single-head attention, whose keys may all move by one vector; a log_softmax over rows; a
 * softmax over every entry of a matrix.
 */
final class PlantedInvariances {
    private PlantedInvariances() {
    }

    /**
     * O = softmax(Q·Kᵀ/√d)·V over the keys, Q, K, V of [t, d]; bugs: dkNoTranspose (dK = dS·Q/√d for
     * dSᵀ·Q/√d), dqNoScale (dQ without 1/√d), dkTwice (dK doubled), dvNoTranspose (dV = P·g for
     * Pᵀ·g: V has no invariance).
     */
    static CustomOp attention(int t, int d, String bug) {
        return new Attention(t, d, bug);
    }

    /** log_softmax over the rows of [rows, cols]; bug: sumOverColumns (g − p·Σg with the sum over dim 0). */
    static CustomOp logSoftmaxRows(int rows, int cols, String bug) {
        return new LogSoftmaxRows(rows, cols, bug);
    }

    /**
     * softmax over all the entries of [rows, cols] at once; bug: dotFirstRow (the −y·Σ g·y term's
     * sum taken over the first row only, a loop bound).
     */
    static CustomOp softmaxAll(int rows, int cols, String bug) {
        return new SoftmaxAll(rows, cols, bug);
    }

    /** Softmax of each row of the [rows, cols] matrix in place. */
    static void softmaxRowsInPlace(double[] s, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, s[i * cols + j]);
            }
            double z = 0;
            for (int j = 0; j < cols; j++) {
                s[i * cols + j] = Math.exp(s[i * cols + j] - max);
                z += s[i * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                s[i * cols + j] /= z;
            }
        }
    }

    private static final class Attention implements CustomOp {
        private final int t;
        private final int d;
        private final String bug;

        Attention(int t, int d, String bug) {
            this.t = t;
            this.d = d;
            this.bug = bug;
        }

        @Override
        public String name() {
            return "attention/" + bug;
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{t, d}, {t, d}, {t, d}};
        }

        /** P = softmax(Q·Kᵀ/√d) over each row, [t, t]. */
        private double[] probabilities(double[] q, double[] k) {
            double[] s = new double[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    double a = 0;
                    for (int c = 0; c < d; c++) {
                        a += q[i * d + c] * k[j * d + c];
                    }
                    s[i * t + j] = a / Math.sqrt(d);
                }
            }
            softmaxRowsInPlace(s, t, t);
            return s;
        }

        @Override
        public double[] forward(double[][] in) {
            double[] p = probabilities(in[0], in[1]);
            double[] o = new double[t * d];
            for (int i = 0; i < t; i++) {
                for (int c = 0; c < d; c++) {
                    for (int j = 0; j < t; j++) {
                        o[i * d + c] += p[i * t + j] * in[2][j * d + c];
                    }
                }
            }
            return o;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] q = in[0];
            double[] k = in[1];
            double[] v = in[2];
            double[] p = probabilities(q, k);
            double scale = 1 / Math.sqrt(d);
            double[] dv = new double[t * d];
            double[] ds = new double[t * t];
            for (int i = 0; i < t; i++) {
                double[] dp = new double[t];
                double dot = 0;
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < d; c++) {
                        dp[j] += g[i * d + c] * v[j * d + c];
                    }
                    dot += dp[j] * p[i * t + j];
                }
                for (int j = 0; j < t; j++) {
                    ds[i * t + j] = p[i * t + j] * (dp[j] - dot);
                }
            }
            for (int j = 0; j < t; j++) {
                for (int c = 0; c < d; c++) {
                    for (int i = 0; i < t; i++) {
                        dv[j * d + c] += (bug.equals("dvNoTranspose") ? p[j * t + i] : p[i * t + j]) * g[i * d + c];
                    }
                }
            }
            double[] dq = new double[t * d];
            double[] dk = new double[t * d];
            for (int i = 0; i < t; i++) {
                for (int c = 0; c < d; c++) {
                    for (int j = 0; j < t; j++) {
                        dq[i * d + c] += ds[i * t + j] * k[j * d + c] * (bug.equals("dqNoScale") ? 1 : scale);
                        // dK = dSᵀ·Q/√d: entry [i, c] sums dS[j, i]·Q[j, c] over j
                        double dsT = bug.equals("dkNoTranspose") ? ds[i * t + j] : ds[j * t + i];
                        dk[i * d + c] += dsT * q[j * d + c] * scale * (bug.equals("dkTwice") ? 2 : 1);
                    }
                }
            }
            return new double[][] {dq, dk, dv};
        }
    }

    private static final class LogSoftmaxRows implements CustomOp {
        private final int rows;
        private final int cols;
        private final String bug;

        LogSoftmaxRows(int rows, int cols, String bug) {
            this.rows = rows;
            this.cols = cols;
            this.bug = bug;
        }

        @Override
        public String name() {
            return "log_softmax_rows/" + bug;
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{rows, cols}};
        }

        @Override
        public double[] forward(double[][] in) {
            double[] p = in[0].clone();
            softmaxRowsInPlace(p, rows, cols);
            double[] y = new double[p.length];
            for (int k = 0; k < p.length; k++) {
                y[k] = Math.log(p[k]);
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] p = in[0].clone();
            softmaxRowsInPlace(p, rows, cols);
            double[] dx = new double[p.length];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double sum = 0;
                    if (bug.equals("sumOverColumns")) {
                        for (int r = 0; r < rows; r++) {
                            sum += g[r * cols + j];
                        }
                    } else {
                        for (int c = 0; c < cols; c++) {
                            sum += g[i * cols + c];
                        }
                    }
                    dx[i * cols + j] = g[i * cols + j] - p[i * cols + j] * sum;
                }
            }
            return new double[][] {dx};
        }
    }

    private static final class SoftmaxAll implements CustomOp {
        private final int rows;
        private final int cols;
        private final String bug;

        SoftmaxAll(int rows, int cols, String bug) {
            this.rows = rows;
            this.cols = cols;
            this.bug = bug;
        }

        @Override
        public String name() {
            return "softmax_all/" + bug;
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{rows, cols}};
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = in[0].clone();
            softmaxRowsInPlace(y, 1, y.length);
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] y = forward(in);
            double dot = 0;
            for (int k = 0; k < (bug.equals("dotFirstRow") ? cols : y.length); k++) {
                dot += g[k] * y[k];
            }
            double[] dx = new double[y.length];
            for (int k = 0; k < y.length; k++) {
                dx[k] = y[k] * (g[k] - dot);
            }
            return new double[][] {dx};
        }
    }
}
