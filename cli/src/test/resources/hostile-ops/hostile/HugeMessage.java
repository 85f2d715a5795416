package hostile;

/** Throws with a message of ten million characters. */
public final class HugeMessage extends SquareBase {
    public String name() { return "huge_message"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        throw new IllegalStateException("x".repeat(10_000_000));
    }
}
