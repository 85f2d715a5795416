package dev.gradcheck.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.UnknownOpException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModuleTest {

    @Test
    void linearUsesPytorchsDefaultInitBounds() {
        Linear l = new Linear(25, 400, new SplittableRandom(1));
        double bound = 1.0 / Math.sqrt(25);
        assertEquals(Shape.of(400, 25), l.weight().shape());
        assertEquals(Shape.of(400), l.bias().shape());
        double wMax = 0;
        for (double v : l.weight().data()) {
            wMax = Math.max(wMax, Math.abs(v));
        }
        double bMax = 0;
        for (double v : l.bias().data()) {
            bMax = Math.max(bMax, Math.abs(v));
        }
        assertTrue(wMax <= bound && wMax > 0.99 * bound, "weight bound " + bound + ", max " + wMax);
        assertTrue(bMax <= bound && bMax > 0.95 * bound, "bias bound " + bound + ", max " + bMax);
        assertTrue(l.weight().isGradRequired() && l.bias().isGradRequired());
    }

    @Test
    void linearForwardIsInputTimesWeightTransposedPlusBias() {
        Tensor w = Tensor.of(new double[] {1, 2, 3, -1, 0.5, 2}, 2, 3).requiresGrad();
        Tensor b = Tensor.of(new double[] {0.25, -3}, 2).requiresGrad();
        Tensor x = Tensor.of(new double[] {1, 0, -1, 2, 3, 4}, 2, 3);
        Tensor y = new Linear(w, b).forward(x);
        // x @ w^T + b by hand
        assertArrayEquals(new double[] {1 - 3 + 0.25, -1 - 2 - 3, 2 + 6 + 12 + 0.25, -2 + 1.5 + 8 - 3}, y.data(), 1e-15);
        y.sum().backward();
        assertArrayEquals(new double[] {3, 3, 3, 3, 3, 3}, w.grad().data(), 1e-15);
        assertArrayEquals(new double[] {2, 2}, b.grad().data(), 1e-15);
        Tensor noBias = new Linear(w, null).forward(x);
        assertArrayEquals(new double[] {-2, -3, 20, 7.5}, noBias.data(), 1e-15);
    }

    @Test
    void mlpNamesParametersLikeASequentialStateDict() {
        Sequential net = Mlp.builder().sizes(4, 16, 8, 3).activation("tanh").build(new SplittableRandom(0));
        Map<String, Tensor> p = net.namedParameters();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), List.copyOf(p.keySet()));
        assertEquals(Shape.of(16, 4), p.get("0.weight").shape());
        assertEquals(Shape.of(8, 16), p.get("2.weight").shape());
        assertEquals(Shape.of(3), p.get("4.bias").shape());
        assertEquals(4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3, net.parameterCount());
        assertEquals(5, net.layers().size());
        assertEquals(Shape.of(7, 3), net.forward(Tensor.zeros(7, 4)).shape());
        Sequential noBias = Mlp.builder().sizes(2, 3).bias(false).build(new SplittableRandom(0));
        assertEquals(List.of("0.weight"), List.copyOf(noBias.namedParameters().keySet()));
    }

    @Test
    void mlpIsReproducibleFromItsSeed() {
        Sequential a = Mlp.builder().sizes(3, 5, 2).build(new SplittableRandom(9));
        Sequential b = Mlp.builder().sizes(3, 5, 2).build(new SplittableRandom(9));
        for (String k : a.namedParameters().keySet()) {
            assertArrayEquals(a.namedParameters().get(k).data(), b.namedParameters().get(k).data(), 0.0, k);
        }
    }

    @Test
    void unknownActivationNamesTheNearestOps() {
        UnknownOpException e = assertThrows(UnknownOpException.class,
                () -> Mlp.builder().sizes(2, 2, 2).activation("rellu").build(new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
    }

    @Test
    void loadStateDictCopiesValuesByNameAndChecksShapes() {
        Sequential net = Mlp.builder().sizes(2, 3, 1).build(new SplittableRandom(0));
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("0.weight", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        values.put("0.bias", Tensor.of(new double[] {0, 0, 0}, 3));
        values.put("2.weight", Tensor.of(new double[] {1, -1, 1}, 1, 3));
        values.put("2.bias", Tensor.of(new double[] {0.5}, 1));
        net.loadStateDict(values);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, net.namedParameters().get("0.weight").data(), 0.0);
        // relu([1+2, 3+4, 5+6]) . [1, -1, 1] + 0.5
        assertEquals(3 - 7 + 11 + 0.5, net.forward(Tensor.of(new double[] {1, 1}, 1, 2)).item(), 1e-15);

        values.put("2.bias", Tensor.of(new double[] {0.5, 1}, 2));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(values));
        assertEquals("loadStateDict: '2.bias' has shape [1] but the value given has shape [2]", shape.getMessage());
        values.remove("2.bias");
        values.put("3.bias", Tensor.zeros(1));
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(values));
        assertEquals("loadStateDict: missing [2.bias], unexpected [3.bias]", names.getMessage());
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Sequential net = Mlp.builder().sizes(2, 3, 1).build(new SplittableRandom(0));
        net.forward(Tensor.ones(4, 2)).sum().backward();
        for (Tensor p : net.parameters()) {
            assertTrue(p.grad() != null);
        }
        net.zeroGrad();
        for (Tensor p : net.parameters()) {
            assertNull(p.grad());
        }
    }
}
