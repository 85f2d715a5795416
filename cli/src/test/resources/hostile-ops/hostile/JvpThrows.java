package hostile;

public final class JvpThrows extends ForwardSquareBase {
    public String name() { return "jvp_throws"; }
    @Override public double[] jvp(double[][] in, double[][] t) {
        throw new UnsupportedOperationException("no tangents here");
    }
}
