package hostile;

public final class HaltInForward extends SquareBase {
    public String name() { return "halt_in_forward"; }
    @Override public double[] forward(double[][] in) {
        Runtime.getRuntime().halt(0);
        return null;
    }
}
