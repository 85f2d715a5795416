package dev.gradcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The finite differences the properties rely on: accurate on smooth functions, and kinks recognised. */
class NumericTest {
    private static double[][] at(double... x) {
        return new double[][] {x};
    }

    @Test
    void centralDifferencesAreAccurateOnSmoothFunctions() {
        Numeric.Diff d = Numeric.partial(p -> Math.exp(p[0][0]) * Math.sin(p[0][1]), at(2.0, 0.5), 0, 0, true);
        double exact = Math.exp(2.0) * Math.sin(0.5);
        assertEquals(exact, d.value(), 1e-8 * exact);
        assertFalse(d.straddlesKink(), "a smooth function has no kink");
        Numeric.Diff big = Numeric.partial(p -> p[0][0] * p[0][0] * p[0][0], at(1e4), 0, 0, true);
        assertEquals(3e8, big.value(), 1e-6 * 3e8, "the step is relative to the entry");
        assertFalse(big.straddlesKink());
    }

    @Test
    void aKinkAtThePointIsRecognised() {
        // |x| at 0: one-sided slopes -1 and 1, the central difference 0 whatever the step
        assertTrue(Numeric.partial(p -> Math.abs(p[0][0]), at(0), 0, 0, true).straddlesKink());
        // max of two tied values
        assertTrue(Numeric.partial(p -> Math.max(p[0][0], p[0][1]), at(0.3, 0.3), 0, 0, true).straddlesKink());
    }

    @Test
    void aKinkWithinTheStepIsRecognised() {
        double x = 0.4e-6; // relu's kink at 0 lies within h = 1e-6
        assertTrue(Numeric.partial(p -> Math.max(p[0][0], 0), at(x), 0, 0, true).straddlesKink());
    }

    @Test
    void aJumpWithinTheStepIsRecognised() {
        // a step function: both one-sided differences agree at the jump, the central ones scale as 1/h
        assertTrue(Numeric.partial(p -> p[0][0] >= 0 ? 1 : 0, at(0), 0, 0, true).straddlesKink());
    }

    @Test
    void directionalDerivativesMatchTheGradient() {
        double[][] x = {{1.0, 2.0}, {3.0}};
        double[][] u = {{0.5, -1.0}, {2.0}};
        Numeric.Diff d = Numeric.directional(p -> p[0][0] * p[0][1] + p[1][0] * p[1][0], x, u, false);
        double exact = 0.5 * 2.0 + (-1.0) * 1.0 + 2.0 * 2 * 3.0;
        assertEquals(exact, d.value(), 1e-8 * Math.abs(exact));
    }

    @Test
    void theToleranceGrowsWithTheRoundingOfLargeTerms() {
        double small = Numeric.tolerance(1, 1, 1, 1e-6);
        double large = Numeric.tolerance(1, 1, 1e6, 1e-6);
        assertTrue(large > 1000 * small, small + " vs " + large);
    }
}
