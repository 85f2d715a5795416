package hostile;

public final class HaltInBackward extends SquareBase {
    public String name() { return "halt_in_backward"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        Runtime.getRuntime().halt(7);
        return null;
    }
}
