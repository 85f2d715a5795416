package hostile;

/** The forward rule sleeps in a loop that swallows interrupts. */
public final class EndlessJvp extends ForwardSquareBase {
    public String name() { return "endless_jvp"; }
    @Override public double[] jvp(double[][] in, double[][] t) {
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
