package dev.gradcheck.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcheck.engine.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Five optimiser steps on a fixed loss, compared with PyTorch 1.13 (float64). The expected values
 * were printed by this script (run once, kept out of the repository):
 *
 * <pre>
 * import torch
 * def run(make, steps=5):
 *     p = torch.tensor([[0.5, -1.2, 2.0], [0.3, 0.0, -0.7]], dtype=torch.double, requires_grad=True)
 *     q = torch.tensor([1.5, -0.25], dtype=torch.double, requires_grad=True)
 *     a = torch.tensor([[1.0, 2.0, 0.5], [3.0, 1.0, 0.25]], dtype=torch.double)
 *     opt = make([p, q])
 *     for _ in range(steps):
 *         loss = (a * p ** 2).sum() + (p.sum(0) * torch.tensor([1.0, -2.0, 0.5], dtype=torch.double)).sum() \
 *                + (q ** 3).sum() - (q * p[:, 0]).sum()
 *         loss.backward(); opt.step(); opt.zero_grad()
 *     print(p.detach().flatten().tolist(), q.detach().tolist())
 * run(lambda ps: torch.optim.SGD(ps, lr=0.1))
 * run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01))
 * run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.1))
 * run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.5, dampening=0.3))
 * run(lambda ps: torch.optim.Adam(ps, lr=0.01))
 * run(lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05))
 * </pre>
 */
class OptimizerTest {
    private static final double TOL = 1e-12;

    /** Runs 5 steps of the optimiser made by {@code make}; returns p's and q's final values. */
    private static double[][] run(Function<List<Tensor>, Optimizer> make) {
        Tensor p = Tensor.of(new double[] {0.5, -1.2, 2.0, 0.3, 0.0, -0.7}, 2, 3).requiresGrad();
        Tensor q = Tensor.of(new double[] {1.5, -0.25}, 2).requiresGrad();
        Tensor a = Tensor.of(new double[] {1.0, 2.0, 0.5, 3.0, 1.0, 0.25}, 2, 3);
        Tensor c = Tensor.of(new double[] {1.0, -2.0, 0.5}, 3);
        Tensor firstColumn = Tensor.of(new double[] {1, 0, 0}, 3);
        Optimizer opt = make.apply(List.of(p, q));
        for (int step = 0; step < 5; step++) {
            Tensor loss = a.mul(p.pow(2)).sum()
                    .add(p.sum(0, false).mul(c).sum())
                    .add(q.pow(3).sum())
                    .sub(q.mul(p.matmul(firstColumn)).sum());
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        return new double[][] {p.data(), q.data()};
    }

    private static void assertMatches(double[] torchP, double[] torchQ, double[][] actual) {
        assertArrayEquals(torchP, actual[0], TOL, "p after 5 steps");
        assertArrayEquals(torchQ, actual[1], TOL, "q after 5 steps");
    }

    @Test
    void plainSgdMatchesPytorch() {
        assertMatches(new double[] {0.07518354930574765, 0.367808, 0.976225, -0.21282843758831768, 0.67232,
            -0.7678657187499999}, new double[] {0.44418267642981557, -0.3840905954584863},
                run(ps -> new SGD(ps, 0.1)));
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesPytorch() {
        assertMatches(new double[] {-0.0896966089543455, 1.4877543630789365, 0.5330279465047919,
            -0.6042184427914971, 1.0278541783975061, -0.7884454302017003},
                new double[] {-0.5693748843753785, -0.3574113732059092},
                run(ps -> new SGD(ps, 0.05, 0.9, 0.01)));
    }

    @Test
    void sgdWithNesterovMomentumMatchesPytorch() {
        assertMatches(new double[] {-0.3190012663623541, 1.1942696490617632, 0.1916014529312814,
            -0.38868845418083703, 1.0808168195402619, -0.7595020061343276},
                new double[] {-0.4672474412647521, -0.4667986643570051},
                run(ps -> new SGD(ps, 0.05, 0.9, 0.0, 0.1, true)));
    }

    @Test
    void sgdWithDampeningMatchesPytorch() {
        assertMatches(new double[] {0.24717399441900734, 0.2627341824, 1.288718063984375, -0.2397983241950822,
            0.519264091, -0.7446466056135741}, new double[] {0.45202197228188357, -0.28241317062534615},
                run(ps -> new SGD(ps, 0.05, 0.5, 0.3, 0.0, false)));
    }

    @Test
    void adamWithDefaultsMatchesPytorch() {
        assertMatches(new double[] {0.45009825853102986, -1.1500264559488194, 1.9500177768997935,
            0.25011493146254266, 0.049953839711732076, -0.7498220510413952},
                new double[] {1.450059350244482, -0.19987729674978771},
                run(ps -> new Adam(ps, 0.01)));
    }

    @Test
    void adamWithBetasEpsAndWeightDecayMatchesPytorch() {
        assertMatches(new double[] {0.0381467704627977, -0.7065231522971629, 1.5041391052299307,
            -0.14919348134367694, 0.4864758346299583, -1.0059838456129118},
                new double[] {1.015472877917042, 0.13774652234974008},
                run(ps -> new Adam(ps, 0.1, 0.8, 0.99, 1e-6, 0.05)));
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        Tensor used = Tensor.of(new double[] {1.0}, 1).requiresGrad();
        Tensor unused = Tensor.of(new double[] {5.0}, 1).requiresGrad();
        Adam adam = new Adam(List.of(used, unused), 0.1);
        used.mul(2.0).sum().backward();
        adam.step();
        assertArrayEquals(new double[] {5.0}, unused.data(), 0.0);
        assertEquals(0, adam.stepCount(1));
        assertEquals(1, adam.stepCount(0));
        // Adam's first step moves each coordinate by about lr, whatever the gradient's size.
        assertEquals(0.9, used.data()[0], 1e-6);
        adam.zeroGrad();
        assertNull(used.grad());
    }

    @Test
    void rejectsParametersThatCannotBeTrained() {
        Tensor leaf = Tensor.of(new double[] {1.0}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(leaf), 0.1));
        assertEquals("SGD: parameter 0 of shape [1] must be a leaf tensor that requires grad", e.getMessage());
        Tensor w = Tensor.of(new double[] {1.0}, 1).requiresGrad();
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w.mul(2.0)), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w), -1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w), 0.1, 0.0, 0.0, 0.0, true));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(w), 0.1, 1.0, 0.999, 1e-8, 0));
    }
}
