package hostile;

/** Correct, but prints a megabyte on every forward. */
public final class PrintsALot extends SquareBase {
    public String name() { return "prints_a_lot"; }
    @Override public double[] forward(double[][] in) {
        System.out.print("y".repeat(1 << 20));
        return super.forward(in);
    }
}
