package hostile;

/** A wrong op to extend: backward misses its factor 2. */
public abstract class WrongBase extends SquareBase {
    @Override public double[][] backward(double[][] in, double[] g) {
        double[] d = new double[in[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = in[0][i] * g[i];
        }
        return new double[][] {d};
    }
}
