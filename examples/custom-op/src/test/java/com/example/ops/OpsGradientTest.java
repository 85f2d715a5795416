package com.example.ops;

import static dev.gradcheck.junit.GradAssertions.assertGradientsCorrect;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.CustomOp;
import dev.gradcheck.junit.GradCheckSettings;
import dev.gradcheck.junit.GradChecker;
import dev.gradcheck.junit.GradientTest;
import org.junit.jupiter.api.Test;

/** The CI guard for this project's ops: every registered op, at several seeds and shapes. */
@GradCheckSettings(timeoutMillis = 10_000)
class OpsGradientTest {
    /** Every op in META-INF/services/dev.gradcheck.CustomOp, at seeds 0..4: "softplus: seed 3, shapes [4, 8]". */
    @GradientTest(discover = true, count = 5)
    void registeredOps(CustomOp op) {
    }

    /** One op at shapes of its own choosing: a matrix, a vector, a 0-d scalar. */
    @GradientTest(shapes = {"[4, 8]", "[16]", "[]"})
    void swishAtShapes(Swish op, CheckReport report) {
        assertTrue(report.passed());
    }

    /** Inputs around ±25 reach softplus' x > 20 branch. */
    @GradientTest(op = "wideSoftplus", seeds = {0, 1})
    void softplusBeyondItsThreshold(CustomOp op) {
    }

    static CustomOp wideSoftplus() {
        return new Softplus() {
            @Override
            public double[] forward(double[][] inputs) {
                return super.forward(scaled(inputs));
            }

            @Override
            public double[][] backward(double[][] inputs, double[] gradOutput) {
                double[] d = super.backward(scaled(inputs), gradOutput)[0];
                for (int i = 0; i < d.length; i++) {
                    d[i] *= 25;                              // chain rule for x -> 25 x
                }
                return new double[][] {d};
            }

            private double[][] scaled(double[][] inputs) {
                double[] x = inputs[0].clone();
                for (int i = 0; i < x.length; i++) {
                    x[i] *= 25;
                }
                return new double[][] {x};
            }
        };
    }

    /** Plain assertions and an injected checker work in ordinary tests too. */
    @Test
    void assertions(GradChecker checker) {
        assertGradientsCorrect(new Softplus(), 0, 1, 2);
        checker.shapes("[2, 3]").assertCorrect(new Swish());
    }
}
