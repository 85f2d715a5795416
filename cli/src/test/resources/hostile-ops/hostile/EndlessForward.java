package hostile;

public final class EndlessForward extends SquareBase {
    public String name() { return "endless_forward"; }
    @Override public double[] forward(double[][] in) {
        long k = 0;
        while (in.length > 0) {
            k++;
        }
        return new double[(int) k];
    }
}
