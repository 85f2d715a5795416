package dev.gradcheck;

/** A correct op registered in this module's test services file, for ServiceLoader discovery. */
public class SampleSquareOp implements CustomOp {
    @Override
    public String name() {
        return "sample_square";
    }

    @Override
    public int[][] inputShapes() {
        return new int[][] {{2, 3}};
    }

    @Override
    public double[] forward(double[][] inputs) {
        double[] y = new double[inputs[0].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = inputs[0][i] * inputs[0][i];
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] inputs, double[] gradOutput) {
        double[] d = new double[inputs[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = 2 * inputs[0][i] * gradOutput[i];
        }
        return new double[][] {d};
    }
}
