package dev.gradcheck.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Status;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A whole network written by hand as one scalar-loss DifferentiableFunction: when an input fails and
 * no pattern names why, its diagnosis says where the error is and to check the layer alone as a
 * CustomOp; a named cause, a CustomOp and a right network get no such suggestion.
 */
class NextStepTest {
    /** loss = Σ tanh(X·W1 + b1)·W2 over X[4, 3], W1[3, 5], b1[5], W2[5]; the bug in the hidden layer's backward. */
    private static final class Network implements DifferentiableFunction {
        private final String bug;

        Network(String bug) {
            this.bug = bug;
        }

        private static double[] hidden(double[][] in) {
            double[] a = new double[20];
            for (int b = 0; b < 4; b++) {
                for (int h = 0; h < 5; h++) {
                    double z = in[2][h];
                    for (int d = 0; d < 3; d++) {
                        z += in[0][b * 3 + d] * in[1][d * 5 + h];
                    }
                    a[b * 5 + h] = Math.tanh(z);
                }
            }
            return a;
        }

        @Override
        public double[] forward(double[][] in) {
            double[] a = hidden(in);
            double loss = 0;
            for (int k = 0; k < 20; k++) {
                loss += a[k] * in[3][k % 5];
            }
            return new double[] {loss};
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            double[] a = hidden(in);
            double[] dX = new double[12];
            double[] dW1 = new double[15];
            double[] db1 = new double[5];
            double[] dW2 = new double[5];
            for (int b = 0; b < 4; b++) {
                for (int h = 0; h < 5; h++) {
                    double y = a[b * 5 + h];
                    double t = Math.tanh(y);
                    double slope = bug.equals("tanhAtOutput") ? 1 - t * t : 1 - y * y;
                    double dz = g[0] * in[3][h] * slope * (bug.equals("sign") ? -1 : 1);
                    dW2[h] += g[0] * y;
                    db1[h] += dz;
                    for (int d = 0; d < 3; d++) {
                        dX[b * 3 + d] += dz * in[1][d * 5 + h];
                        dW1[d * 5 + h] += dz * in[0][b * 3 + d];
                    }
                }
            }
            return new double[][] {dX, dW1, db1, dW2};
        }
    }

    private static CheckReport check(DifferentiableFunction f, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[4][];
        int[] sizes = {12, 15, 5, 5};
        for (int i = 0; i < 4; i++) {
            x[i] = r.doubles(sizes[i]).map(v -> 2 * v - 1).toArray();
        }
        return GradCheck.of(f).at(x).shapes(new int[] {4, 3}, new int[] {3, 5}, new int[] {5}, new int[] {5})
                .names("X", "W1", "b1", "W2").seed(seed).check();
    }

    @Test
    void anUnexplainedFailureSaysWhereAndWhatToCheckNext() {
        for (long seed = 0; seed < 5; seed++) {
            CheckReport report = check(new Network("tanhAtOutput"), seed);
            long s = seed;
            assertFalse(report.passed());
            CheckResult w2 = report.checks().stream().filter(c -> c.name().equals("W2")).findFirst().orElseThrow();
            assertEquals(Status.PASS, w2.status(), () -> "seed " + s + ":\n" + report.toText());
            int suggested = 0;
            for (CheckResult c : report.checks()) {
                if (c.status() != Status.FAIL || !c.findings().contains("next_step")) {
                    continue;
                }
                suggested++;
                assertTrue(c.diagnosis().startsWith("no known pattern fits input '" + c.name() + "' alone (largest"
                        + " error"), c::diagnosis);
                assertTrue(c.diagnosis().contains(": analytic "), c::diagnosis);
                assertTrue(c.diagnosis().contains("X, W1, b1 are wrong while W2 is right"), c::diagnosis);
                assertTrue(c.diagnosis().contains("check that layer on its own as a CustomOp"), c::diagnosis);
            }
            assertTrue(suggested > 0, () -> "seed " + s + ":\n" + report.toText());
        }
    }

    /** The JUnit extension's checker draws the points itself and reports one result per function. */
    @Test
    void theJUnitCheckerSuggestsTheNextStepToo() {
        // at |x|~1 only: at |x|~100 the saturated draw names this bug's cause itself
        dev.gradcheck.junit.GradChecker checker = dev.gradcheck.junit.GradChecker.defaults()
                .shapes("[4, 3], [3, 5], [5], [5]").magnitudes(1);
        CheckResult net = checker.check("network", new Network("tanhAtOutput")).checks().get(0);
        assertEquals(Status.FAIL, net.status(), net::toString);
        assertTrue(net.findings().contains("next_step"), net::toString);
        assertTrue(net.diagnosis().contains("input0, input1, input2 are wrong while input3 is right"), net::diagnosis);
        assertTrue(net.diagnosis().contains("check that layer on its own as a CustomOp"), net::diagnosis);

        CheckResult named = checker.check("network", new Network("sign")).checks().get(0);
        assertFalse(named.findings().contains("next_step"), named::diagnosis);
        assertTrue(checker.check("network", new Network("ok")).passed());
    }

    @Test
    void aNamedCauseARightNetworkAndACustomOpGetNoSuggestion() {
        for (long seed = 0; seed < 5; seed++) {
            for (CheckResult c : check(new Network("sign"), seed).checks()) {
                assertFalse(c.findings().contains("next_step"), c::diagnosis);
            }
            CheckReport right = check(new Network("ok"), seed);
            assertTrue(right.passed(), right::toText);
            right.checks().forEach(c -> assertNull(c.diagnosis()));
        }
        // a layer checked alone already is the next step: its unexplained failure stays unexplained
        CustomOp layer = PlantedLayers.norm(true, 4, 3, "gammaSquared");
        double[][] x = {new Random(1).doubles(12).toArray(), new Random(2).doubles(3).map(v -> v + 1).toArray(),
            new Random(3).doubles(3).toArray()};
        CheckReport alone = GradCheck.of(layer).at(x).seed(0).check();
        assertTrue(alone.checks().stream().anyMatch(c -> c.status() == Status.FAIL && c.diagnosis() == null),
                alone::toText);
        for (CheckResult c : alone.checks()) {
            assertFalse(c.findings().contains("next_step"), c::diagnosis);
        }
    }
}
