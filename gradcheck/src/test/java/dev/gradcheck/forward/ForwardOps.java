package dev.gradcheck.forward;

/** Correct ops with forward rules (elementwise, two-input, a reduction, a matmul) and planted forward-rule bugs. */
final class ForwardOps {
    private ForwardOps() {
    }

    /** y = sin(x), elementwise. */
    static FwdOp sin() {
        return new FwdOp("sin", new int[][] {{2, 3}}, x -> map(x[0], Math::sin),
                (x, g) -> new double[][] {times(map(x[0], Math::cos), g)},
                (x, t) -> times(map(x[0], Math::cos), t[0]));
    }

    /** Planted: sin's forward rule with the wrong sign. */
    static FwdOp sinWrongSign() {
        return sin().withJvp("sin-wrong-sign", (x, t) -> times(map(x[0], c -> -Math.cos(c)), t[0]));
    }

    /** y = a·b, elementwise. */
    static FwdOp mul() {
        return new FwdOp("mul", new int[][] {{4}, {4}}, x -> times(x[0], x[1]),
                (x, g) -> new double[][] {times(x[1], g), times(x[0], g)},
                (x, t) -> plus(times(t[0], x[1]), times(x[0], t[1])));
    }

    /** Planted: mul's forward rule a·db only (the da·b term of the product rule missing). */
    static FwdOp mulMissingTerm() {
        return mul().withJvp("mul-missing-term", (x, t) -> times(x[0], t[1]));
    }

    /** y = sqrt(a² + b²), elementwise. */
    static FwdOp hypot() {
        return new FwdOp("hypot", new int[][] {{3}, {3}}, x -> hyp(x),
                (x, g) -> {
                    double[] r = hyp(x);
                    double[] ga = new double[r.length];
                    double[] gb = new double[r.length];
                    for (int k = 0; k < r.length; k++) {
                        ga[k] = g[k] * x[0][k] / r[k];
                        gb[k] = g[k] * x[1][k] / r[k];
                    }
                    return new double[][] {ga, gb};
                },
                (x, t) -> {
                    double[] r = hyp(x);
                    double[] d = new double[r.length];
                    for (int k = 0; k < r.length; k++) {
                        d[k] = (x[0][k] * t[0][k] + x[1][k] * t[1][k]) / r[k];
                    }
                    return d;
                });
    }

    /** Planted: hypot's forward rule ignores input1's tangent. */
    static FwdOp hypotIgnoresTangent() {
        return hypot().withJvp("hypot-ignores-b", (x, t) -> {
            double[] r = hyp(x);
            double[] d = new double[r.length];
            for (int k = 0; k < r.length; k++) {
                d[k] = x[0][k] * t[0][k] / r[k];
            }
            return d;
        });
    }

    /** y_i = logsumexp(x[i, :]) over the rows of a [3, 4] input: a reduction. */
    static FwdOp logsumexp() {
        return new FwdOp("logsumexp", new int[][] {{3, 4}}, x -> lse(x[0]),
                (x, g) -> {
                    double[] s = softmax(x[0]);
                    double[] d = new double[12];
                    for (int j = 0; j < 12; j++) {
                        d[j] = g[j / 4] * s[j];
                    }
                    return new double[][] {d};
                },
                (x, t) -> {
                    double[] s = softmax(x[0]);
                    double[] d = new double[3];
                    for (int j = 0; j < 12; j++) {
                        d[j / 4] += s[j] * t[0][j];
                    }
                    return d;
                });
    }

    /** C = A·B for A [2, 3], B [3, 4]. */
    static FwdOp matmul() {
        return new FwdOp("matmul", new int[][] {{2, 3}, {3, 4}}, x -> mm(x[0], x[1], 2, 3, 4),
                (x, g) -> new double[][] {mm(g, transpose(x[1], 3, 4), 2, 4, 3), mm(transpose(x[0], 2, 3), g, 3, 2, 4)},
                (x, t) -> plus(mm(t[0], x[1], 2, 3, 4), mm(x[0], t[1], 2, 3, 4)));
    }

    static double[] map(double[] a, java.util.function.DoubleUnaryOperator f) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = f.applyAsDouble(a[k]);
        }
        return r;
    }

    static double[] times(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = a[k] * b[k];
        }
        return r;
    }

    static double[] plus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = a[k] + b[k];
        }
        return r;
    }

    private static double[] hyp(double[][] x) {
        double[] r = new double[x[0].length];
        for (int k = 0; k < r.length; k++) {
            r[k] = Math.sqrt(x[0][k] * x[0][k] + x[1][k] * x[1][k]);
        }
        return r;
    }

    private static double[] lse(double[] x) {
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 4; j++) {
                m = Math.max(m, x[4 * i + j]);
            }
            double s = 0;
            for (int j = 0; j < 4; j++) {
                s += Math.exp(x[4 * i + j] - m);
            }
            r[i] = m + Math.log(s);
        }
        return r;
    }

    private static double[] softmax(double[] x) {
        double[] l = lse(x);
        double[] s = new double[12];
        for (int j = 0; j < 12; j++) {
            s[j] = Math.exp(x[j] - l[j / 4]);
        }
        return s;
    }

    static double[] mm(double[] a, double[] b, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * m + j];
                }
                c[i * m + j] = s;
            }
        }
        return c;
    }

    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
