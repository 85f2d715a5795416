package hostile;

public final class JvpWrongLength extends ForwardSquareBase {
    public String name() { return "jvp_wrong_length"; }
    @Override public double[] jvp(double[][] in, double[][] t) {
        return new double[2];
    }
}
