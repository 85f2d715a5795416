package hostile;

/** The provider's own static initialiser ends the JVM, when ServiceLoader would create it. */
public final class ExitInStaticInit extends SquareBase {
    static {
        if (System.nanoTime() != 42) {
            System.exit(0);
        }
    }
    public String name() { return "exit_in_static_init"; }
}
