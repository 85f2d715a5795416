package hostile;

public final class HugeName extends SquareBase {
    public String name() { return "n".repeat(1_000_000); }
}
