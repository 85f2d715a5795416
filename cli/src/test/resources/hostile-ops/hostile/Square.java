package hostile;

/** Correct. */
public final class Square extends SquareBase {
    public String name() { return "square"; }
}
