package hostile;

/** Forward touches a class whose static initialiser ends the JVM. */
public final class ExitInHelperInit extends SquareBase {
    static final class Helper {
        static final double ONE;
        static {
            if (System.nanoTime() != 42) {
                System.exit(0);
            }
            ONE = 1;
        }
    }
    public String name() { return "exit_in_helper_init"; }
    @Override public double[] forward(double[][] in) {
        double[] y = super.forward(in);
        y[0] *= Helper.ONE;
        return y;
    }
}
