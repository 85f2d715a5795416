package hostile;

public final class ThrowsThreadDeath extends SquareBase {
    public String name() { return "throws_thread_death"; }
    @SuppressWarnings("removal")
    @Override public double[][] backward(double[][] in, double[] g) {
        throw new ThreadDeath();
    }
}
