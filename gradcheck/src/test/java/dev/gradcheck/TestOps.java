package dev.gradcheck;

/** Test helper: CustomOps from functions. */
final class TestOps {
    private TestOps() {
    }

    static CustomOp named(String name, int[][] shapes, DifferentiableFunction f) {
        return new CustomOp() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[][] inputShapes() {
                return shapes;
            }

            @Override
            public double[] forward(double[][] inputs) {
                return f.forward(inputs);
            }

            @Override
            public double[][] backward(double[][] inputs, double[] gradOutput) {
                return f.backward(inputs, gradOutput);
            }
        };
    }
}
