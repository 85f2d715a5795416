package hostile;

/** Correct, but forward starts two busy threads (not daemons) that never end. */
public final class ThreadsKeepRunning extends SquareBase {
    private static volatile boolean started;
    public String name() { return "threads_keep_running"; }
    @Override public double[] forward(double[][] in) {
        if (!started) {
            started = true;
            for (int i = 0; i < 2; i++) {
                new Thread(() -> {
                    long k = 0;
                    while (k >= 0) {
                        k = (k + 1) % 1000;
                    }
                }, "hostile-busy-" + i).start();
            }
        }
        return super.forward(in);
    }
}
