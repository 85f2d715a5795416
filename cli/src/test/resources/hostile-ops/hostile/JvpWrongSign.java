package hostile;

/** The forward rule's sign flipped: a wrong op the backward's check alone would pass. */
public final class JvpWrongSign extends ForwardSquareBase {
    public String name() { return "jvp_wrong_sign"; }
    @Override public double[] jvp(double[][] in, double[][] t) {
        double[] d = super.jvp(in, t);
        for (int i = 0; i < d.length; i++) d[i] = -d[i];
        return d;
    }
}
