package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import java.util.List;

/**
 * Statistics of one layer (one node of a model, or one tensor a training loop names): its
 * activation and the gradient of the loss with respect to it.
 *
 * @param name the layer
 * @param op the op that made it (null when unknown)
 * @param shape its shape
 * @param gradFlows false when no gradient flows to it (it depends on no param); its gradient
 *     numbers are then 0 and it is never flagged exploding or vanishing
 * @param gradNorm the L2 norm of d loss / d layer
 * @param gradMeanAbs mean |grad|
 * @param gradMaxAbs max |grad|
 * @param next the layer its gradient comes from (the next layer that uses it), or null
 * @param gradRatio {@code gradNorm / (next layer's gradNorm)}: above 1 the gradient grows on its
 *     way back, below 1 it shrinks (NaN when there is no next layer)
 * @param actMean the mean of its values
 * @param actStd the standard deviation of its values
 * @param saturatedShare for a saturating op (tanh, sigmoid): the share of outputs in the flat tails
 *     (NaN otherwise)
 * @param deadShare for a relu-like op: the share of units never positive over the batch (NaN
 *     otherwise)
 * @param deadUnits for relu: the number of such units (0 otherwise)
 * @param units for relu: the number of units (0 otherwise)
 * @param params the params this layer uses first
 */
public record LayerStats(String name, String op, Shape shape, boolean gradFlows, double gradNorm, double gradMeanAbs,
        double gradMaxAbs, String next, double gradRatio, double actMean, double actStd, double saturatedShare,
        double deadShare, int deadUnits, int units, List<ParamStats> params) {

    public LayerStats {
        params = List.copyOf(params);
    }
}
