package hostile;

public final class ForwardReturnsNull extends SquareBase {
    public String name() { return "forward_returns_null"; }
    @Override public double[] forward(double[][] in) {
        return null;
    }
}
