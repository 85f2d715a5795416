package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Tells when a plain-SGD training run diverged: the first step at which the loss is more than
 * {@value #LOSS_GROWTH} times its step-0 value (an infinite loss included; the factor of
 * {@code sanity}'s {@code learning_rate} check: full-batch gradient descent that raises its loss
 * fourfold overshoots), or a param's root mean square is no longer
 * finite or more than {@value #PARAM_GROWTH} times both its step-0 value and 1 (a param that
 * starts tiny, a bias of std 1e-3, may legitimately grow a hundredfold and stay small). A NaN loss
 * with every param still in range is no divergence: the {@code nan} flag names the op that left
 * its domain, and training stops there anyway.
 */
final class Divergence {
    /** Growth of a param's root mean square that counts as diverging: two orders of magnitude. */
    static final double PARAM_GROWTH = 100;
    /** Growth of the loss over its step-0 value that counts as diverging: as {@code sanity}'s default. */
    static final double LOSS_GROWTH = 4;

    private final Map<String, Double> initialRms = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final double initialLoss;
    private final double lr;

    /**
     * @param params the params' values at step 0, by name
     * @param loss the loss at step 0
     * @param lr the learning rate of the SGD steps
     */
    Divergence(Map<String, Tensor> params, double loss, double lr) {
        params.forEach((name, t) -> {
            initialRms.put(name, rms(t.data()));
            shapes.put(name, t.shape());
        });
        this.initialLoss = loss;
        this.lr = lr;
    }

    /**
     * The {@code diverged} flag of step {@code step} (its detail without the step, which
     * {@link FlowHistory#newFlags()} puts first), or null when the run has not diverged there.
     *
     * @param params the params' values at that step
     * @param loss the loss at that step
     * @param layerOf each param's layer (the node that first uses it), where its flag is placed
     * @param output the loss's node, where a flag on the loss alone is placed
     * @param offScaleAtInit the params flagged {@code init_scale} at step 0
     */
    Flag at(int step, Map<String, Tensor> params, double loss, Map<String, String> layerOf, String output,
            Set<String> offScaleAtInit) {
        return at(step, params, loss, layerOf, output, offScaleAtInit, null);
    }

    /**
     * As {@link #at(int, Map, double, Map, String, Set)}; when {@code init} names an off-scale
     * init that reaches the param that blew up (or, for the loss alone, the loss), that init is
     * the cause named, not the learning rate.
     */
    Flag at(int step, Map<String, Tensor> params, double loss, Map<String, String> layerOf, String output,
            Set<String> offScaleAtInit, InitCauses init) {
        String blownUp = null; // the param furthest beyond PARAM_GROWTH times max(its step-0 scale, 1)
        double blownUpBy = PARAM_GROWTH;
        String grown = null; // the param whose scale grew the most, as evidence
        double grownBy = 0;
        Map<String, Double> now = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : initialRms.entrySet()) {
            Tensor t = params.get(e.getKey());
            if (t == null) {
                continue;
            }
            double rms = rms(t.data());
            now.put(e.getKey(), rms);
            // a param that starts tiny (a bias of std 1e-3) may grow a hundredfold and stay small
            double beyond = Double.isFinite(rms) ? rms / Math.max(e.getValue(), 1) : Double.POSITIVE_INFINITY;
            if (beyond > blownUpBy) {
                blownUp = e.getKey();
                blownUpBy = beyond;
            }
            double growth = Double.isFinite(rms) ? rms / e.getValue() : Double.POSITIVE_INFINITY;
            if (e.getValue() > 0 && growth > grownBy) {
                grown = e.getKey();
                grownBy = growth;
            }
        }
        double lossGrowth = initialLoss > 0 && Double.isFinite(initialLoss) ? loss / initialLoss : Double.NaN;
        boolean lossDiverged = lossGrowth > LOSS_GROWTH;
        if (blownUp == null && !lossDiverged) {
            return null;
        }
        String lossText = "the loss went from " + TensorStats.fmt(initialLoss) + " at step 0 to " + TensorStats.fmt(loss)
                + (Double.isFinite(lossGrowth) && lossGrowth > 1 ? " (" + TensorStats.fmt(lossGrowth) + "x)" : "");
        StringBuilder why = new StringBuilder("training diverged: ");
        if (blownUp != null) {
            why.append(grewText(blownUp, now.get(blownUp))).append(", and ").append(lossText);
        } else {
            why.append(lossText);
            if (grownBy >= 10) {
                why.append(" and ").append(grewText(grown, now.get(grown)));
            }
        }
        String initCause = init == null ? null : blownUp != null ? init.ofParam(blownUp) : init.ofLayer(output);
        if (initCause != null) {
            why.append(String.format(Locale.ROOT, "; plain SGD at lr %s takes steps too large for this model because ",
                    TensorStats.fmt(lr))).append(initCause).append(": fix that init, then judge the learning rate");
        } else {
            why.append(String.format(Locale.ROOT, "; plain SGD at lr %s takes steps too large for this model: lower the "
                    + "learning rate", TensorStats.fmt(lr)));
        }
        if (initCause == null && !offScaleAtInit.isEmpty()) {
            why.append(" (or fix the init of ").append(String.join(", ", offScaleAtInit.stream().sorted().toList()))
                    .append(", flagged init_scale at step 0)");
        }
        why.append(". What is flagged after step ").append(step).append(" follows from the divergence; no "
                + "learning-rate advice is given after it");
        String place = blownUp == null ? output : layerOf.getOrDefault(blownUp, blownUp);
        return new Flag(FlagKind.DIVERGED, place, why.toString());
    }

    /** How {@code param} got from its step-0 scale to {@code rms}. */
    private String grewText(String param, double rms) {
        double before = initialRms.get(param);
        String name = "param '" + param + "' " + shapes.get(param);
        if (!Double.isFinite(rms)) {
            return name + " is no longer finite (root mean square " + TensorStats.fmt(before) + " at step 0)";
        }
        if (before == 0) {
            return name + " grew from all zero at step 0 to root mean square " + TensorStats.fmt(rms);
        }
        return name + " grew from root mean square " + TensorStats.fmt(before) + " at step 0 to " + TensorStats.fmt(rms)
                + " (" + TensorStats.fmt(rms / before) + "x)";
    }

    /** The root mean square, scaled by the largest |value| so that values near 1e200 do not overflow. */
    private static double rms(double[] d) {
        double max = TensorStats.maxAbs(d);
        if (d.length == 0 || max == 0 || !Double.isFinite(max)) {
            return d.length == 0 ? 0 : max;
        }
        double sum = 0;
        for (double v : d) {
            sum += (v / max) * (v / max);
        }
        return max * Math.sqrt(sum / d.length);
    }
}
