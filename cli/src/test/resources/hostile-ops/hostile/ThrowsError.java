package hostile;

public final class ThrowsError extends SquareBase {
    public String name() { return "throws_error"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        throw new Error("boom in backward");
    }
}
