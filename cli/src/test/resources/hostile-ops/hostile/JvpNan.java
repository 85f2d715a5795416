package hostile;

public final class JvpNan extends ForwardSquareBase {
    public String name() { return "jvp_nan"; }
    @Override public double[] jvp(double[][] in, double[][] t) {
        double[] d = super.jvp(in, t);
        d[2] = Double.NaN;
        return d;
    }
}
