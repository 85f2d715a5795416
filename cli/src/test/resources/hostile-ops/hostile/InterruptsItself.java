package hostile;

/** Forward sets its own thread's interrupt flag and returns normally. */
public final class InterruptsItself extends SquareBase {
    public String name() { return "interrupts_itself"; }
    @Override public double[] forward(double[][] in) {
        Thread.currentThread().interrupt();
        return super.forward(in);
    }
}
