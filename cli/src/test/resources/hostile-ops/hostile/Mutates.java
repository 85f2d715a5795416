package hostile;

public final class Mutates extends SquareBase {
    public String name() { return "mutates"; }
    @Override public double[] forward(double[][] in) {
        double[] y = super.forward(in);
        in[0][0] += 1.0;
        return y;
    }
}
