package hostile;

public final class ExitInJvp extends ForwardSquareBase {
    public String name() { return "exit_in_jvp"; }
    @Override public double[] jvp(double[][] in, double[][] t) {
        System.exit(0);
        return null;
    }
}
