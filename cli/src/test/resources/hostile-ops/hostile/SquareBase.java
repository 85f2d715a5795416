package hostile;

/** y = x², dy = 2x·g on one input of shape [2, 3]: the correct op each hostile op starts from. */
public abstract class SquareBase implements dev.gradcheck.CustomOp {
    @Override
    public int[][] inputShapes() {
        return new int[][] {{2, 3}};
    }

    @Override
    public double[] forward(double[][] in) {
        double[] y = new double[in[0].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = in[0][i] * in[0][i];
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] in, double[] g) {
        double[] d = new double[in[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = 2 * in[0][i] * g[i];
        }
        return new double[][] {d};
    }
}
