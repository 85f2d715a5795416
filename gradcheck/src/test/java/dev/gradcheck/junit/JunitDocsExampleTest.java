package dev.gradcheck.junit;

import static dev.gradcheck.junit.GradAssertions.assertAllGradientsCorrect;
import static dev.gradcheck.junit.GradAssertions.assertGradientsCorrect;
import static dev.gradcheck.junit.GradAssertions.assertPassed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.Mode;
import dev.gradcheck.Tolerance;
import dev.gradcheck.engine.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java snippets of docs/junit.md, compiled and run (Swish and RowScale from the tests' ops). */
@GradCheckSettings(seeds = {7, 8}, mode = "sampled", timeoutMillis = 5000)
class JunitDocsExampleTest {
    static class Swish extends JunitOps.Swish {
    }

    static class RowScale extends JunitOps.RowScale {
    }

    static class Softplus extends JunitOps.Swish {
        @Override
        public String name() {
            return "softplus";
        }

        @Override
        public double[] forward(double[][] in) {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.log1p(Math.exp(in[0][i]));
            }
            return y;
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = g[i] * JunitOps.sigmoid(in[0][i]);
            }
            return new double[][] {d};
        }
    }

    @Test
    void swish(GradChecker checker) {
        checker.assertCorrect(new Swish());
        checker.shapes("[2, 3], [3]").assertCorrect("row_scale", new RowScale());
    }

    @Test
    void standalone() {
        CheckReport r = GradChecker.defaults()
                .seeds(0, 1, 2).shapes("[4, 8]", "[1]")
                .mode(Mode.FAST).tolerance(Tolerance.model()).timeout(Duration.ofSeconds(5))
                .check(new Swish());
        assertPassed(r);
        assertEquals(6, r.checks().size());
        assertEquals("swish (seed 1, shapes [1])", r.checks().get(4).name());
    }

    @Test
    void engineFunction() {
        SplittableRandom rng = new SplittableRandom(0);
        Tensor x = Tensor.randn(rng, 3, 4);
        Tensor w = Tensor.randn(rng, 4, 2);
        GradChecker.defaults().seeds(0, 1).assertCorrect("mlp", xs -> xs[0].matmul(xs[1]).tanh().sum(), x, w);
        assertGradientsCorrect(xs -> xs[0].matmul(xs[1]).tanh().sum(), x, w);
    }

    @Test
    void assertions() {
        assertGradientsCorrect(new Softplus());
        assertGradientsCorrect(new Softplus(), 0, 1, 2);
        assertGradientsCorrect(new Softplus(), CheckOptions.defaults().withSeed(4).withMode(Mode.FAST));
        assertGradientsCorrect(new RowScale(), new int[] {2, 3}, new int[] {3});
        assertAllGradientsCorrect(List.of(new Swish(), new Softplus()));
    }
}
