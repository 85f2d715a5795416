package hostile;

public final class EndlessInputShapes extends SquareBase {
    public String name() { return "endless_input_shapes"; }
    @Override public int[][] inputShapes() {
        long k = 0;
        while (k >= 0) {
            k = (k + 1) % 1000;
        }
        return null;
    }
}
