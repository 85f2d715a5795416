package hostile;

public final class NegativeShape extends SquareBase {
    public String name() { return "negative_shape"; }
    @Override public int[][] inputShapes() {
        return new int[][] {{3, -2}};
    }
}
