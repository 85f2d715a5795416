package hostile;

public final class ThreadDeathInInputShapes extends SquareBase {
    public String name() { return "thread_death_in_input_shapes"; }
    @SuppressWarnings("removal")
    @Override public int[][] inputShapes() {
        throw new ThreadDeath();
    }
}
