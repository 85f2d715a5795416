package dev.gradcheck.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcheck.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Learning rates against PyTorch 1.13's schedulers, stepped as in training (lr read with
 * {@code get_last_lr()}, then {@code optimizer.step(); scheduler.step()}), base lr 0.1:
 *
 * <pre>
 * StepLR(o, step_size=3, gamma=0.5)                 for 10 epochs
 * CosineAnnealingLR(o, T_max=10, eta_min=0.001)     for 26 epochs (past T_max the cosine rises again)
 * </pre>
 */
class LrScheduleTest {

    private static final double[] TORCH_STEP = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125};

    private static final double[] TORCH_COSINE = {0.1, 0.09757729755661011, 0.0905463412215599,
        0.07959536998847742, 0.0657963412215599, 0.0505, 0.03520365877844011, 0.02140463001152259,
        0.010453658778440109, 0.0034227024433899004, 0.001, 0.0034227024433899004, 0.01045365877844014,
        0.02140463001152267, 0.035203658778440255, 0.05050000000000022, 0.06579634122156018,
        0.07959536998847777, 0.09054634122156031, 0.09757729755661054, 0.10000000000000045,
        0.09757729755661054, 0.09054634122156033, 0.07959536998847778, 0.0657963412215602,
        0.050500000000000225};

    @Test
    void stepScheduleMatchesPytorchStepLR() {
        LrSchedule s = LrSchedule.step(0.1, 3, 0.5);
        for (int epoch = 0; epoch < TORCH_STEP.length; epoch++) {
            assertEquals(TORCH_STEP[epoch], s.lr(epoch), 1e-15, "epoch " + epoch);
        }
    }

    @Test
    void cosineScheduleMatchesPytorchCosineAnnealingLR() {
        LrSchedule s = LrSchedule.cosine(0.1, 10, 0.001);
        for (int epoch = 0; epoch < TORCH_COSINE.length; epoch++) {
            // PyTorch computes the rate recursively, which drifts by a few ulps from the closed form.
            assertEquals(TORCH_COSINE[epoch], s.lr(epoch), 1e-14, "epoch " + epoch);
        }
    }

    @Test
    void applyToSetsTheOptimisersRate() {
        SGD sgd = new SGD(List.of(Tensor.of(new double[] {1}, 1).requiresGrad()), 0.1);
        LrSchedule.step(0.1, 3, 0.5).applyTo(sgd, 7);
        assertEquals(0.025, sgd.lr(), 0.0);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, 0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, 5, 0.0).lr(-1));
    }
}
