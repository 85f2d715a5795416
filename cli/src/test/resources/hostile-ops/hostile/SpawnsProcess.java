package hostile;

import java.io.IOException;

/** Forward starts a long-running process of its own, then never returns. */
public final class SpawnsProcess extends SquareBase {
    public String name() { return "spawns_process"; }
    @Override public double[] forward(double[][] in) {
        try {
            new ProcessBuilder("sleep", "613").start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        while (in.length > 0) {
            Thread.onSpinWait();
        }
        return null;
    }
}
