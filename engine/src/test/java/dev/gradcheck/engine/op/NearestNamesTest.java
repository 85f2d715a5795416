package dev.gradcheck.engine.op;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NearestNamesTest {
    @Test
    void levenshteinCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, NearestNames.distance("matmul", "matmul"));
        assertEquals(1, NearestNames.distance("matmull", "matmul"), "one deletion");
        assertEquals(1, NearestNames.distance("matmul", "matmal"), "one substitution");
        assertEquals(3, NearestNames.distance("kitten", "sitting"));
        assertEquals(6, NearestNames.distance("", "matmul"));
        assertEquals(6, NearestNames.distance("matmul", ""));
        assertEquals(1, NearestNames.distance("Tanh", "tanh"), "case-sensitive");
    }

    @Test
    void distanceIsSymmetric() {
        assertEquals(NearestNames.distance("softmax", "log_softmax"), NearestNames.distance("log_softmax", "softmax"));
    }

    @Test
    void unknownOpSuggestionsStillRankByDistance() {
        assertEquals("tanh", OpRegistry.nearest("tahn", 3).get(0));
        assertEquals("matmul", OpRegistry.nearest("matmull", 3).get(0));
    }
}
