package hostile;

/** SquareBase with its forward rule: dy = 2x·t. The correct op each hostile forward rule starts from. */
public abstract class ForwardSquareBase extends SquareBase implements dev.gradcheck.ForwardDifferentiable {
    @Override
    public double[] jvp(double[][] in, double[][] t) {
        double[] d = new double[in[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = 2 * in[0][i] * t[0][i];
        }
        return d;
    }
}
