package hostile;

public final class Nondeterministic extends SquareBase {
    public String name() { return "nondeterministic"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        double[][] d = super.backward(in, g);
        d[0][0] += 1e-2 * Math.random();
        return d;
    }
}
