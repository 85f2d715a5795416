package hostile;

public final class ExitInForward extends SquareBase {
    public String name() { return "exit_in_forward"; }
    @Override public double[] forward(double[][] in) {
        System.exit(0);
        return null;
    }
}
