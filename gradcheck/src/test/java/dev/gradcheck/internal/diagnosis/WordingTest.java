package dev.gradcheck.internal.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertTrue(Wording.factorCause(2, 1e-9, "").contains(", a doubled term, or a scale constant left out"));
        String three = Wording.factorCause(3, 1e-9, "");
        assertFalse(three.contains("doubled"), three);
        assertTrue(three.contains(", a term counted 3 times, or a scale constant left out"), three);
    }

    @Test
    void aScaleConstantIsAmongTheExamples() {
        assertTrue(Wording.factorCause(2, 1e-9, "").endsWith("such as attention's 1/√d or a temperature)"));
        assertTrue(Wording.factorCause(0.5, 1e-9, "").contains("a scale constant applied twice, such as attention's"
                + " 1/√d or a temperature"));
    }

    @Test
    void aFactorMatchingADimensionSaysWhichOne() {
        String[] names = {"X", "Wq", "Wk", "b"};
        int[][] shapes = {{3, 4}, {4, 4}, {4, 4}, {5}};
        assertEquals("; the factor 2 = √4, 4 the size of dim 1 of X [3, 4] and of Wq, Wk [4, 4]",
                Wording.dimensionMatch(2.0, 1e-9, names, shapes));
        assertEquals("; the factor 4 is the size of dim 1 of X [3, 4] and of Wq, Wk [4, 4]",
                Wording.dimensionMatch(0.25, 1e-9, names, shapes));
        assertEquals("; the factor 3 is the size of dim 0 of X [3, 4]", Wording.dimensionMatch(-3.0, 1e-9, names,
                shapes));
        // no dimension of 7 or 49; a factor that is no integer; a factor of 1
        assertEquals("", Wording.dimensionMatch(7.0, 1e-9, names, shapes));
        assertEquals("", Wording.dimensionMatch(2.5, 1e-9, names, shapes));
        assertEquals("", Wording.dimensionMatch(-1.0, 1e-9, names, shapes));
    }

    @Test
    void aFactorThatIsTheRootOfADimensionNamesBoth() {
        String[] names = {"Q", "K"};
        int[][] shapes = {{2, 3}, {5, 3}};
        assertEquals("; the factor 1.732 = √3, 3 the size of dim 1 of Q [2, 3] and of dim 1 of K [5, 3]",
                Wording.dimensionMatch(Math.sqrt(3), 1e-9, names, shapes));
        assertEquals("; the factor 2.236 = √5, 5 the size of dim 0 of K [5, 3]",
                Wording.dimensionMatch(1 / Math.sqrt(5), 1e-9, names, shapes));
        assertEquals("", Wording.dimensionMatch(Math.sqrt(7), 1e-9, names, shapes), "no dimension of 7");
        assertEquals("", Wording.dimensionMatch(1.74, 1e-9, names, shapes), "1.74² is no integer");
    }

    @Test
    void aFactorThatIsARootIsNamedAsOne() {
        assertEquals("analytic = 1.732 x numeric on every entry: an extra factor of √3 (e.g. a scale constant left"
                + " out, such as attention's 1/√d, or a standard deviation's √n)",
                Wording.factorCause(Math.sqrt(3), 1e-9, " on every entry"));
        assertTrue(Wording.factorCause(1 / Math.sqrt(8), 1e-9, "").contains(": a missing factor of √8 (e.g. a scale"
                + " constant applied twice"), Wording.factorCause(1 / Math.sqrt(8), 1e-9, ""));
        assertTrue(Wording.factorCause(-Math.sqrt(2), 1e-9, "").contains("a flipped sign and an extra factor of √2"));
        // a coarse factor is no evidence of a root: at 1% every square near 50 is within reach of an integer
        assertFalse(Wording.factorCause(7.1, 1e-2, "").contains("√"), Wording.factorCause(7.1, 1e-2, ""));
    }
}
