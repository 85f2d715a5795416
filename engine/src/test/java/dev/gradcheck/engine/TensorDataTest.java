package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A tensor's values: {@code data()} copies, {@code dataEquals} compares them without a copy. */
class TensorDataTest {
    @Test
    void dataEqualsComparesEntryByEntry() {
        Tensor t = Tensor.of(new double[] {1, -0.0, Double.NaN, 4}, 2, 2);
        assertTrue(t.dataEquals(new double[] {1, -0.0, Double.NaN, 4}), "as Arrays.equals: NaN equals NaN");
        assertFalse(t.dataEquals(new double[] {1, 0.0, Double.NaN, 4}), "as Arrays.equals: -0.0 is not 0.0");
        assertFalse(t.dataEquals(new double[] {1, -0.0, Double.NaN}), "another length");
        assertFalse(t.dataEquals(null));
    }

    @Test
    void dataIsACopy() {
        Tensor t = Tensor.of(new double[] {1, 2}, 2);
        double[] d = t.data();
        assertNotSame(d, t.data());
        d[0] = 7;
        assertTrue(t.dataEquals(new double[] {1, 2}));
    }
}
