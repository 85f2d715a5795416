package hostile;

/** Backward doubled: the wrong op a silenced run would hide. */
public final class WrongGradient extends SquareBase {
    public String name() { return "wrong_gradient"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        double[][] d = super.backward(in, g);
        for (int i = 0; i < d[0].length; i++) d[0][i] *= 2;
        return d;
    }
}
