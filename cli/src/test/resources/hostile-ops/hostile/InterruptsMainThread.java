package hostile;

/** Forward interrupts the thread named "main" (the command line's, in the same JVM). */
public final class InterruptsMainThread extends SquareBase {
    public String name() { return "interrupts_main_thread"; }
    @Override public double[] forward(double[][] in) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("main")) {
                t.interrupt();
            }
        }
        return super.forward(in);
    }
}
