package dev.gradcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.internal.diagnosis.Diagnosis;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forward-determinism side check: the first output entry beyond the tolerance, both values. */
class ForwardNondeterminismTest {
    @Test
    void bitIdenticalRunsAgree() {
        assertNull(SideChecks.forwardNondeterminism(new double[] {1, 2, 3}, new double[] {1, 2, 3}, 0));
    }

    @Test
    void theFirstDifferingEntryIsNamedWithBothValues() {
        double[] y = {1, 2, 3, 4};
        double[] y2 = {1, 2, Math.nextUp(3.0), 5};
        Diagnosis d = SideChecks.forwardNondeterminism(y, y2, 0);
        assertEquals(List.of("nondeterministic_forward"), d.kinds());
        assertTrue(d.text().contains("(output entry 2 is 3.0, then 3.0000000000000004)"), d::text);
    }

    @Test
    void differencesWithinTheNondeterminismToleranceAreAllowed() {
        double[] y = {1, 2, 3};
        double[] y2 = {1 + 1e-12, 2, 3 - 1e-12};
        assertNull(SideChecks.forwardNondeterminism(y, y2, 1e-9));
        Diagnosis d = SideChecks.forwardNondeterminism(y, y2, 1e-13);
        assertTrue(d.text().contains("output entry 0 is 1.0, then 1.000000000001"), d::text);
    }

    @Test
    void aNaNOrAnotherSizeTheSecondTimeDiffers() {
        assertTrue(SideChecks.forwardNondeterminism(new double[] {1, 2}, new double[] {1, Double.NaN}, 1)
                .text().contains("output entry 1 is 2.0, then NaN"));
        assertTrue(SideChecks.forwardNondeterminism(new double[] {1, 2}, new double[] {1}, 1).text()
                .contains("the first returned 2 values, the second 1"));
        assertTrue(SideChecks.forwardNondeterminism(new double[] {1, 2}, null, 1).text()
                .contains("the second null"));
    }
}
