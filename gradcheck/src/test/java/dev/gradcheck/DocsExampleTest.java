package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The example of docs/checker.md, compiled and run. */
class DocsExampleTest {
    /** y = x · sigmoid(x), on plain arrays. */
    public static class Swish implements CustomOp {
        public String name() { return "swish"; }
        public int[][] inputShapes() { return new int[][] {{4, 8}}; }
        public double[] forward(double[][] in) {
            return Arrays.stream(in[0]).map(x -> x / (1 + Math.exp(-x))).toArray();
        }
        public double[][] backward(double[][] in, double[] g) {
            double[] x = in[0], dx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double s = 1 / (1 + Math.exp(-x[i]));
                dx[i] = g[i] * (s + x[i] * s * (1 - s));
            }
            return new double[][] {dx};
        }
    }

    /** The same op with the classic bug: the product rule's second term forgotten. */
    public static class BrokenSwish extends Swish {
        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] x = in[0], dx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                dx[i] = g[i] / (1 + Math.exp(-x[i]));
            }
            return new double[][] {dx};
        }
    }

    @Test
    void exampleOpPasses() {
        CustomOpCheck.run(List.of(new Swish()), CheckOptions.defaults()).assertPasses();
        GradCheck.of(new Swish()).at(new double[32]).check().assertPasses();
    }

    @Test
    void brokenExampleFailsReadably() {
        CheckReport r = CustomOpCheck.run(List.of(new BrokenSwish()), CheckOptions.defaults());
        System.out.println(r.toText());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, r::assertPasses);
        assertTrue(e.getMessage().contains("FAIL  swish"), e.getMessage());
    }
}
