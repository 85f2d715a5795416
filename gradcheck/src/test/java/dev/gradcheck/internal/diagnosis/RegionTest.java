package dev.gradcheck.internal.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Thresholds read from the gap between the wrong and the right entries, and what the wording says of the gap. */
class RegionTest {
    private static final Evidence.Variable X = new Evidence.Variable("input0", new double[] {0}, true);

    @Test
    void theRoundestThresholdInTheGapNearestItsMiddle() {
        assertEquals(20, threshold(15.3, 24));
        assertEquals(30, threshold(19.7, 32.8));
        assertEquals(20, threshold(15.3, 32.6));
        assertEquals(0.35, threshold(0.31, 0.38), 1e-15);
        assertEquals(-30, threshold(-32.8, -19.7));
        assertEquals(10, Region.niceStep(19.7, 32.8));
        assertEquals(0.05, Region.niceStep(0.31, 0.38), 1e-15);
    }

    private static double threshold(double lo, double hi) {
        return Region.read(X, true, lo, hi, 2, 3).threshold();
    }

    @Test
    void aGapHoldingTwoAsRoundThresholdsIsSaid() {
        // 20 and 30 both separate the entries: which one the code uses, the data cannot tell
        Region wide = Region.read(X, true, 19.7, 32.8, 13, 70);
        assertEquals("input0 > 30", wide.where());
        assertEquals("13 of 13 wrong entries have input0 > 30, 0 of 70 right ones; no entry between 19.7 and 32.8: "
                + "any threshold there fits", Wording.regionCounts(wide, "wrong entries", "right ones"));
        // one round threshold only (20; 10 and 30 lie outside): nothing to add
        Region narrow = Region.read(X, true, 15.3, 24, 13, 70);
        assertEquals("13 of 13 wrong entries have input0 > 20, 0 of 70 right ones",
                Wording.regionCounts(narrow, "wrong entries", "right ones"));
        // below a threshold too
        Region below = Region.read(X, false, -32.8, -19.7, 5, 9);
        assertEquals("input0 < -30", below.where());
        assertEquals("5 of 5 wrong entries have input0 < -30, 0 of 9 right ones; no entry between -32.8 and -19.7: "
                + "any threshold there fits", Wording.regionCounts(below, "wrong entries", "right ones"));
    }
}
