package hostile;

public final class StackOverflow extends SquareBase {
    public String name() { return "stack_overflow"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        return backward(in, g);
    }
}
