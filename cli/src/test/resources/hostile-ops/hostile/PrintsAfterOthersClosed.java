package hostile;

/** Correct; prints one line, which must be captured even after another op closed the streams. */
public final class PrintsAfterOthersClosed extends SquareBase {
    public String name() { return "prints_after_others_closed"; }
    @Override public double[] forward(double[][] in) {
        System.out.println("still heard");
        return super.forward(in);
    }
}
