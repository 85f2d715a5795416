package hostile;

/** Registers a shutdown hook that never ends, then ends the JVM from forward. */
public final class ExitWithEndlessHook extends SquareBase {
    public String name() { return "exit_with_endless_hook"; }
    @Override public double[] forward(double[][] in) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            while (in.length > 0) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    // keep the JVM up
                }
            }
        }));
        System.exit(0);
        return null;
    }
}
