package dev.gradcheck.internal.diagnosis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A factor known only to within a coarse (float32) precision is never "a factor of 1". */
class WordingTest {
    @Test
    void aFactorWithinItsPrecisionOfOneIsAConstantSlightlyOff() {
        for (double c : new double[] {1.001, 0.999, 1.004}) {
            String text = Wording.factorCause(c, 1e-2, " on every entry");
            assertFalse(text.contains("factor of 1 ") || text.contains("factor of 1,") || text.contains(" 1.0 x"),
                    c + ": " + text);
            assertTrue(text.contains(Wording.factor(c) + " x numeric on every entry: a constant slightly off"),
                    c + ": " + text);
        }
    }

    @Test
    void integralFactorsKeepTheirWording() {
        assertTrue(Wording.factorCause(2.0004, 1e-2, "").contains("an extra factor of 2"));
        assertTrue(Wording.factorCause(0.5002, 1e-2, "").contains("a missing factor of 2"));
        assertTrue(Wording.factorCause(-1.0003, 1e-2, "").startsWith("sign flipped"));
    }

    @Test
    void onlyAFactorOfTwoIsCalledADoubledTerm() {
        assertTrue(Wording.factorCause(2, 1e-9, "").endsWith("or a doubled term)"));
        String three = Wording.factorCause(3, 1e-9, "");
        assertFalse(three.contains("doubled"), three);
        assertTrue(three.endsWith("or a term counted 3 times)"), three);
    }
}
