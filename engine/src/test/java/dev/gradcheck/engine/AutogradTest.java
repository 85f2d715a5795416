package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gradcheck.engine.op.UnknownOpException;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void gradientsOfABroadcastProductAreReducedToEachInputsShape() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad();
        Tensor b = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad();
        x.mul(b).add(b).sum().backward();
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, x.grad().data());
        assertArrayEquals(new double[] {1 + 4 + 2, 2 + 5 + 2, 3 + 6 + 2}, b.grad().data());
        assertEquals(Shape.of(3), b.grad().shape());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroGrad() {
        Tensor w = Tensor.of(new double[] {2}, 1).requiresGrad();
        w.mul(3.0).sum().backward();
        w.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6}, w.grad().data());
        w.zeroGrad();
        assertNull(w.grad());
    }

    @Test
    void aHundredThousandNodeChainDoesNotOverflowTheStack() {
        Tensor c = Tensor.scalar(2).requiresGrad();
        Tensor t = c;
        for (int i = 0; i < 100_000; i++) {
            t = t.add(1.0);
        }
        t.backward();
        assertEquals(1.0, c.grad().item());
        assertEquals(100_002.0, t.item());
    }

    @Test
    void secondOrderGradientOfACube() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad();
        Tensor[] g = Autograd.grad(x.mul(x).mul(x).sum(), null, true, x);
        assertArrayEquals(new double[] {3, 12, 27}, g[0].data(), 1e-12);
        Tensor[] gg = Autograd.grad(g[0].sum(), null, false, x);
        assertArrayEquals(new double[] {6, 12, 18}, gg[0].data(), 1e-12);
    }

    @Test
    void backwardWithAGradOutputForANonScalarOutput() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad();
        x.mul(x).backward(Tensor.of(new double[] {10, 100}, 2));
        assertArrayEquals(new double[] {20, 400}, x.grad().data());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad();
        Tensor y;
        try (GradMode.Scope s = GradMode.disabled()) {
            y = x.mul(x);
        }
        assertFalse(y.isGradRequired());
        assertTrue(x.mul(x).isGradRequired());
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4);
        ShapeException e = assertThrows(ShapeException.class, () -> a.add(b));
        assertEquals("add: shapes [2, 3] and [4] do not broadcast: dimension -1 is 3 in one and 4 in the other",
                e.getMessage());
    }

    @Test
    void unknownOpListsTheNearestNames() {
        UnknownOpException e = assertThrows(UnknownOpException.class, () -> Ops.apply("suum", Tensor.zeros(2)));
        assertTrue(e.suggestions().contains("sum"), e.getMessage());
        assertTrue(e.getMessage().startsWith("unknown op 'suum'; did you mean sum"), e.getMessage());
    }

    @Test
    void wrongAttributeTypeNamesTheOpAndAttribute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.apply("sum", Attrs.of("keepdim", "yes"), Tensor.zeros(2)));
        assertEquals("sum: attribute 'keepdim' must be true or false, got \"yes\"", e.getMessage());
    }
}
