package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A gradient that is zero in exact arithmetic (a conv bias before a batch norm) is compared at
 * rounding level, where the relative resolution runs into the hundreds: the text gives the
 * absolute one and says why.
 */
class ZeroWithinRoundingTest {
    private static CheckResult result(double relative, double absolute) {
        return CheckResult.builder("conv.bias").status(Status.PASS).shape(new int[] {4}).entriesChecked(4)
                .maxAbsError(2.81e-15).maxRelError(0.00212).resolution(relative, absolute).build();
    }

    @Test
    void aResolutionAboveOneIsShownAbsolute() {
        String text = result(470, 1.3e-12).toString();
        assertTrue(text.contains("resolution 1.30e-12 abs (gradient zero within rounding)"), text);
        assertFalse(text.contains("resolution 470"), text);
    }

    @Test
    void anOrdinaryResolutionStaysRelative() {
        String text = result(1.2e-8, 3e-9).toString();
        assertTrue(text.contains("resolution 1.20e-08"), text);
        assertFalse(text.contains(" abs ("), text);
    }
}
