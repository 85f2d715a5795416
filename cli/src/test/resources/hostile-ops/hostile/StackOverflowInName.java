package hostile;

public final class StackOverflowInName extends SquareBase {
    public String name() {
        return name() + "x";
    }
}
