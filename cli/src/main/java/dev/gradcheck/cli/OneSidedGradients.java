package dev.gradcheck.cli;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.GradientComparison;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import dev.gradcheck.model.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * compare's kink and tie test: at a kink (clamp at its bounds, relu at 0) or a tie (max, max
 * pooling) the gradient is not unique, and PyTorch and the reference may both give valid but
 * different one-sided gradients. An entry that fails is explained when theirs matches the
 * reference gradient taken at the point moved a hair (δ = {@value #STEP}·max(1, |v|) per value)
 * to either side along a seeded random direction: a smooth entry moves by about 1e-9 of the
 * gradient's scale (below compare's tolerance on entries near that scale, not always on much
 * smaller ones, which is why {@link KinkMisses} asks for a jump), an exact kink is left and an
 * exact tie broken. Several directions are tried
 * (a tie of k entries goes to the largest of them on one side, the smallest on the other), only
 * while entries stay unexplained, and only when the model has an op whose registry metadata
 * declares kinks; a first direction that explains nothing ends the search (a real error, not a
 * kink). Every float64 input and param moves; int64 inputs (targets, indices) and constants do
 * not. The moved points' gradients are computed once per run, for every tensor.
 */
final class OneSidedGradients {
    /** The move, relative to each value: far below compare's rtol (1e-7) for an entry near the gradient's scale. */
    static final double STEP = 1e-9;
    /** At most this many random directions (each two gradient evaluations). */
    static final int MAX_DIRECTIONS = 8;

    private final Model model;
    private final Map<String, Tensor> values;
    private final List<String> wrt;
    private final SplittableRandom random;
    private final Set<String> kinkOps = new LinkedHashSet<>();
    /** Reference gradients at the moved points: +δ then −δ for each direction tried so far. */
    private final List<Map<String, Tensor>> sides = new ArrayList<>();

    OneSidedGradients(Model model, Map<String, Tensor> values, List<String> wrt, long seed) {
        this.model = model;
        this.values = values;
        this.wrt = wrt;
        this.random = new SplittableRandom(seed ^ 0x6b696e6bL);
        for (NodeSpec n : model.nodes()) {
            String kinks = n.op().kinks();
            if (kinks != null && !kinks.isBlank()) {
                kinkOps.add(n.op().name());
            }
        }
    }

    /** The model's ops whose metadata declares kinks or ties, in graph order. */
    Set<String> kinkOps() {
        return kinkOps;
    }

    /**
     * Which entries of {@code name}'s gradient fail {@code |theirs − reference| <= atol + rtol·|reference|}
     * but match the reference on one side of a kink or tie (by the same rule).
     *
     * @return a flag per entry, true for a failing entry so explained (all false when the model has no kinks)
     */
    boolean[] explained(String name, double[] theirs, double[] reference, double atol, double rtol) {
        boolean[] out = new boolean[reference.length];
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < reference.length; i++) {
            if (!GradientComparison.agrees(theirs[i], reference[i], atol, rtol)) {
                open.add(i);
            }
        }
        if (kinkOps.isEmpty() || open.isEmpty()) {
            return out;
        }
        for (int d = 0; d < MAX_DIRECTIONS && !open.isEmpty(); d++) {
            if (2 * d >= sides.size() && !addDirection()) {
                break;
            }
            int before = open.size();
            for (int s = 2 * d; s < 2 * d + 2; s++) {
                double[] side = sides.get(s).get(name).data();
                open.removeIf(i -> {
                    boolean m = GradientComparison.agrees(theirs[i], side[i], atol, rtol);
                    out[i] |= m;
                    return m;
                });
            }
            if (d == 0 && open.size() == before) {
                break;
            }
        }
        return out;
    }

    /** {@code name}'s reference gradients at the moved points computed so far (none before {@link #explained}). */
    List<double[]> sides(String name) {
        List<double[]> out = new ArrayList<>();
        for (Map<String, Tensor> side : sides) {
            out.add(side.get(name).data());
        }
        return out;
    }

    /** Computes the gradients at the point moved by ±δ along one more random direction; false if that fails. */
    private boolean addDirection() {
        Map<String, Tensor> plus = new LinkedHashMap<>(values);
        Map<String, Tensor> minus = new LinkedHashMap<>(values);
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            if (!moves(e.getKey())) {
                continue;
            }
            double[] v = e.getValue().data();
            double[] up = new double[v.length];
            double[] down = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                // a random sign and a size in [0.5, 1): no entry moves by a vanishing amount
                double step = STEP * Math.max(1, Math.abs(v[i])) * (0.5 + 0.5 * random.nextDouble())
                        * (random.nextBoolean() ? 1 : -1);
                up[i] = v[i] + step;
                down[i] = v[i] - step;
            }
            plus.put(e.getKey(), Tensor.of(up, e.getValue().shape()));
            minus.put(e.getKey(), Tensor.of(down, e.getValue().shape()));
        }
        try {
            Map<String, Tensor> a = model.gradients(plus, wrt);
            Map<String, Tensor> b = model.gradients(minus, wrt);
            sides.add(a);
            sides.add(b);
            return true;
        } catch (ArithmeticException e) {
            // an anomaly at the moved point (off an op's domain): no explanation, the failure stands
            return false;
        }
    }

    private boolean moves(String name) {
        TensorSpec s = model.params().containsKey(name) ? model.params().get(name) : model.inputs().get(name);
        return s != null && s.dtype() == DType.FLOAT64;
    }
}
