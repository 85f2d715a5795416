package hostile.dep;

/** Compiled, but left out of the jars: a dependency missing from the class path. */
public final class Missing {
    public static double[] gradient(double[] x, double[] g) {
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = 2 * x[i] * g[i];
        }
        return d;
    }
}
