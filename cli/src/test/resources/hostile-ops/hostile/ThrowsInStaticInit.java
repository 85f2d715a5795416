package hostile;

public final class ThrowsInStaticInit extends SquareBase {
    static final int VALUE = Integer.parseInt("not a number");
    public String name() { return "throws_in_static_init" + VALUE; }
}
