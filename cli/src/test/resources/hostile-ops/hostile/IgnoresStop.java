package hostile;

/** Forward loops forever and swallows interrupts and Thread.stop alike. */
public final class IgnoresStop extends SquareBase {
    public String name() { return "ignores_stop"; }
    @Override public double[] forward(double[][] in) {
        while (in.length > 0) {
            try {
                while (in.length > 0) {
                    Thread.onSpinWait();
                }
            } catch (Throwable t) {
                // ThreadDeath too: keep going
            }
        }
        return null;
    }
}
