package hostile;

public final class EndlessStaticInit extends SquareBase {
    static {
        long k = 0;
        while (k >= 0) {
            k = (k + 1) % 1000;
        }
    }
    public String name() { return "endless_static_init"; }
}
