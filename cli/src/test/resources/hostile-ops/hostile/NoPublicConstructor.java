package hostile;

public final class NoPublicConstructor extends SquareBase {
    public NoPublicConstructor(int unused) {
    }
    public String name() { return "no_public_constructor"; }
}
