package hostile;

public final class ExitInName extends SquareBase {
    public String name() {
        System.exit(3);
        return "exit_in_name";
    }
}
