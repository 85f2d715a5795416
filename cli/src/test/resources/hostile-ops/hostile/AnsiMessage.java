package hostile;

/** Throws with a message that would recolour the terminal and forge a line. */
public final class AnsiMessage extends SquareBase {
    public String name() { return "ansi_message"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        throw new IllegalStateException("\u001b[31mred\nPASS  forged\u001b[0m");
    }
}
