package hostile;

/** Backward sleeps in a loop that swallows interrupts. */
public final class EndlessBackward extends SquareBase {
    public String name() { return "endless_backward"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        while (in.length > 0) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                // ignored
            }
        }
        return null;
    }
}
