package hostile;

public final class ExitInConstructor extends SquareBase {
    public ExitInConstructor() {
        System.exit(5);
    }
    public String name() { return "exit_in_constructor"; }
}
