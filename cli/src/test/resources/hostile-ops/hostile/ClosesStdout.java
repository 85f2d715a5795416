package hostile;

/** Correct, but closes System.out and System.err and replaces them with nothing. */
public final class ClosesStdout extends SquareBase {
    public String name() { return "closes_stdout"; }
    @Override public double[] forward(double[][] in) {
        if (System.out != null) {
            System.out.close();
            System.err.close();
            System.setOut(null);
        }
        return super.forward(in);
    }
}
