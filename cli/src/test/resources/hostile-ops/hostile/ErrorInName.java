package hostile;

public final class ErrorInName extends SquareBase {
    public String name() {
        throw new Error("no name today");
    }
}
