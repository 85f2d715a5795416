package hostile;

public final class WrongSize extends SquareBase {
    public String name() { return "wrong_size"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        return new double[][] {new double[in[0].length + 2]};
    }
}
