package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reported relative error measures the gradient, not the tolerance: a loose rtol lets a
 * factor of 2 pass but still reports it as 0.5 (|a − n| / max(|a|, |n|)).
 */
class RelativeErrorTest {
    private static final double[] POINT = {0.5, -1.2, 2.0, 0.9};

    /** y = x², its backward off by a factor of 2. */
    private static final Fn DOUBLED = Fn.elementwise(v -> v * v, v -> 4 * v);

    @ParameterizedTest(name = "rtol {0}")
    @ValueSource(doubles = {1.5, 10, 1e6})
    void aLooseRtolPassesAFactorOfTwoButReportsIt(double rtol) {
        CheckResult c = GradCheck.of(DOUBLED).at(POINT).tolerance(Tolerance.pytorch(1e-5, rtol))
                .scheme(Scheme.CENTRAL).check().checks().get(0);
        assertTrue(c.passed(), c::toString);
        assertEquals(0.5, c.maxRelError(), 1e-6, c::toString);
    }

    @ParameterizedTest(name = "rtol {0}")
    @ValueSource(doubles = {1e-3, 0.1})
    void aTightRtolFailsItWithTheSameFigure(double rtol) {
        CheckResult c = GradCheck.of(DOUBLED).at(POINT).tolerance(Tolerance.pytorch(1e-5, rtol))
                .scheme(Scheme.CENTRAL).check().checks().get(0);
        assertEquals(Status.FAIL, c.status(), c::toString);
        assertEquals(0.5, c.maxRelError(), 1e-6, c::toString);
    }

    @ParameterizedTest(name = "rtol {0}")
    @ValueSource(doubles = {1e-3, 10})
    void valuesBelowTheAbsoluteToleranceDoNotReadAsAHundredPercent(double rtol) {
        Fn tiny = Fn.elementwise(v -> 1e-9 * v * v, v -> 4e-9 * v); // factor 2, all below atol 1e-5
        CheckResult c = GradCheck.of(tiny).at(POINT).tolerance(Tolerance.pytorch(1e-5, rtol))
                .scheme(Scheme.CENTRAL).check().checks().get(0);
        assertTrue(c.passed(), c::toString);
        assertTrue(c.maxRelError() < 1e-3, c::toString);
    }
}
