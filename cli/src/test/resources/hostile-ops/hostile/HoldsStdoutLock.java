package hostile;

/** Forward starts a thread that takes System.out's lock and keeps it: a later print would hang. */
public final class HoldsStdoutLock extends SquareBase {
    private static volatile boolean started;
    public String name() { return "holds_stdout_lock"; }
    @Override public double[] forward(double[][] in) {
        if (!started) {
            started = true;
            Thread t = new Thread(() -> {
                synchronized (System.out) {
                    while (true) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            // keep the lock
                        }
                    }
                }
            }, "hostile-stdout-lock");
            t.setDaemon(true);
            t.start();
            while (!Thread.holdsLock(System.out) && t.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
        }
        return super.forward(in);
    }
}
