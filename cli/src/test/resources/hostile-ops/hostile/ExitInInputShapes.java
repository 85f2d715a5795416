package hostile;

public final class ExitInInputShapes extends SquareBase {
    public String name() { return "exit_in_input_shapes"; }
    @Override public int[][] inputShapes() {
        System.exit(0);
        return null;
    }
}
