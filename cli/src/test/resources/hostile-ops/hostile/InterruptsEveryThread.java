package hostile;

public final class InterruptsEveryThread extends SquareBase {
    public String name() { return "interrupts_every_thread"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            t.interrupt();
        }
        return super.backward(in, g);
    }
}
