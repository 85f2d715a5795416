package hostile;

/** Forward takes System.out's lock and never lets go. */
public final class LocksStdoutInForward extends SquareBase {
    public String name() { return "locks_stdout_in_forward"; }
    @Override public double[] forward(double[][] in) {
        synchronized (System.out) {
            while (in.length > 0) {
                Thread.onSpinWait();
            }
        }
        return null;
    }
}
