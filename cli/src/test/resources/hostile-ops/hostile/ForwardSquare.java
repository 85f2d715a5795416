package hostile;

/** A correct op with a correct forward rule. */
public final class ForwardSquare extends ForwardSquareBase {
    public String name() { return "forward_square"; }
}
