package hostile;

public final class HugeShape extends SquareBase {
    public String name() { return "huge_shape"; }
    @Override public int[][] inputShapes() {
        return new int[][] {{65536, 65536}};
    }
}
