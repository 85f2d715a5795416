package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A tensor's values: {@code data()} copies, {@code dataEquals} compares them without a copy, and
 * {@code Autograd.gradArrays} hands over gradients the caller owns, never one array twice.
 */
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

    @Test
    void gradArraysAreTheCallersOwnAndNeverShared() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad();
        Tensor y = Tensor.of(new double[] {4, 5, 6}, 3).requiresGrad();
        Tensor g = Tensor.of(new double[] {0.5, -1, 2}, 3);
        // add passes its gradient through to both inputs: one tensor, handed over once and copied once
        double[][] sum = Autograd.gradArrays(x.add(y), g, x, y);
        assertNotSame(sum[0], sum[1]);
        assertTrue(g.dataEquals(sum[0]) && g.dataEquals(sum[1]));
        sum[0][0] = 99;
        assertTrue(g.dataEquals(new double[] {0.5, -1, 2}), "gradOutput untouched");
        assertTrue(g.dataEquals(sum[1]));
        // the same values as grad()
        Tensor out = x.mul(y).tanh();
        double[][] a = Autograd.gradArrays(out, g, x, y);
        Tensor[] b = Autograd.grad(out, g, false, x, y);
        assertTrue(b[0].dataEquals(a[0]) && b[1].dataEquals(a[1]));
    }
}
