package dev.gradcheck.internal.diagnosis;

/**
 * For a small input whose output is several blocks of its own size (a bias of n entries and an
 * output of B·n, a batch of B rows): the gradient that each block of outputs alone gives the input,
 * d(Σ_{k in block b} gradOutput_k·y_k)/dx_j, by central differences (2n forward evaluations, all
 * blocks at once), computed on first use.
 */
final class BlockProbe {
    /** The largest input worth 2n forward evaluations. */
    static final int MAX_ENTRIES = 64;

    private final ElementwiseProbe.Forward forward;
    private final double[] x;
    private final double[] u;
    private final int blocks;
    private double[][] perBlock;

    /** {@code x} and {@code u} are the checked point's input and gradOutput: read, never written, not copied. */
    private BlockProbe(ElementwiseProbe.Forward forward, double[] x, double[] u) {
        this.forward = forward;
        this.x = x;
        this.u = u;
        this.blocks = u.length / x.length;
    }

    /** A probe when the output is two or more blocks of the input's size and the input is small, else null. */
    static BlockProbe of(ElementwiseProbe.Forward forward, double[] x, double[] gradOutput) {
        if (forward == null || x == null || gradOutput == null || x.length == 0 || x.length > MAX_ENTRIES
                || gradOutput.length % x.length != 0 || gradOutput.length / x.length < 2) {
            return null;
        }
        return new BlockProbe(forward, x, gradOutput);
    }

    int blocks() {
        return blocks;
    }

    int blockSize() {
        return x.length;
    }

    /** [b][j]: the gradient of block b's outputs alone at entry j; null when the forward fails or is not finite. */
    double[][] perBlock() {
        if (perBlock == null) {
            perBlock = compute();
        }
        return perBlock.length == 0 ? null : perBlock;
    }

    private double[][] compute() {
        int n = x.length;
        double[][] g = new double[blocks][n];
        for (int j = 0; j < n; j++) {
            double h = 1e-5 * Math.max(1, Math.abs(x[j]));
            double[] up = at(j, x[j] + h);
            double[] down = at(j, x[j] - h);
            if (up == null || down == null) {
                return new double[0][];
            }
            for (int k = 0; k < u.length; k++) {
                g[k / n][j] += u[k] * (up[k] - down[k]) / (2 * h);
            }
        }
        return g;
    }

    private double[] at(int j, double v) {
        double[] moved = x.clone();
        moved[j] = v;
        return forward.finiteAt(moved, u.length);
    }
}
