package hostile;

/** Backward needs a class the jar does not have. */
public final class MissingDependencyInBackward extends SquareBase {
    public String name() { return "missing_dependency_in_backward"; }
    @Override public double[][] backward(double[][] in, double[] g) {
        return new double[][] {hostile.dep.Missing.gradient(in[0], g)};
    }
}
