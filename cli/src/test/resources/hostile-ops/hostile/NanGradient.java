package hostile;

public final class NanGradient extends SquareBase {
    public String name() { return "nan_gradient"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        double[][] d = super.backward(in, g);
        d[0][1] = Double.NaN;
        return d;
    }
}
