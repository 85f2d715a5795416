package hostile;

public final class ExitInBackward extends SquareBase {
    public String name() { return "exit_in_backward"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        System.exit(0);
        return null;
    }
}
