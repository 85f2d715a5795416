package hostile;

public final class EndlessName extends SquareBase {
    public String name() {
        long k = 0;
        while (k >= 0) {
            k = (k + 1) % 1000;
        }
        return "endless_name";
    }
}
