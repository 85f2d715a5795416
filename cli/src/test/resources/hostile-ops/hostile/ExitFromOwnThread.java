package hostile;

/** Forward starts a thread that ends the JVM, and waits for it. */
public final class ExitFromOwnThread extends SquareBase {
    public String name() { return "exit_from_own_thread"; }
    @Override public double[] forward(double[][] in) {
        Thread t = new Thread(() -> System.exit(0), "hostile-exit");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return super.forward(in);
    }
}
