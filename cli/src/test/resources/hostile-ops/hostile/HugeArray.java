package hostile;

/** Backward asks for an array larger than any JVM gives. */
public final class HugeArray extends SquareBase {
    public String name() { return "huge_array"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        return new double[][] {new double[Integer.MAX_VALUE - 1]};
    }
}
