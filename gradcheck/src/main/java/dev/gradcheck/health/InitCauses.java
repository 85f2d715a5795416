package dev.gradcheck.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a flow analysis whose init is far off their fan-in's scale, and the findings
 * they explain: a gradient or update:data ratio that such a weight reaches ({@link InitReach}) is
 * inflated or shrunk by that init, so it is named as the cause instead of the learning rate.
 */
final class InitCauses {
    private final Map<String, String> offScale;
    private final InitReach reach;
    private final boolean initial;

    /**
     * @param offScale the off-scale weights, each with the layer its {@code init_scale} flag is at
     * @param reach what each weight reaches
     * @param initial true when the values are the init itself (else a training run's, its init
     *     judged at step 0)
     */
    InitCauses(Map<String, String> offScale, InitReach reach, boolean initial) {
        this.offScale = new LinkedHashMap<>(offScale);
        this.reach = reach;
        this.initial = initial;
    }

    /** True when {@code param} is itself an off-scale weight (its own ratio is its init's doing). */
    boolean isOffScale(String param) {
        return offScale.containsKey(param);
    }

    /**
     * Why the gradient (and update:data ratio) of {@code param} is not the learning rate's doing:
     * {@code the init of param 'w1' (flagged init_scale at l1) scales the activations that reach it},
     * or null when no off-scale weight reaches it.
     */
    String ofParam(String param) {
        List<String> from = new ArrayList<>();
        InitReach.Way way = null;
        for (String w : offScale.keySet()) {
            InitReach.Way r = w.equals(param) ? null : reach.toParam(w, param);
            if (r != null) {
                from.add(w);
                way = way == null ? r : way;
            }
        }
        return words(from, way);
    }

    /** As {@link #ofParam} for the gradient of layer (node) {@code layer}. */
    String ofLayer(String layer) {
        List<String> from = new ArrayList<>();
        InitReach.Way way = null;
        for (String w : offScale.keySet()) {
            InitReach.Way r = reach.toLayer(w, layer);
            if (r != null) {
                from.add(w);
                way = way == null ? r : way;
            }
        }
        return words(from, way);
    }

    private String words(List<String> from, InitReach.Way way) {
        if (from.isEmpty()) {
            return null;
        }
        String step = initial ? "" : ", step 0";
        if (from.size() == 1) {
            String w = from.get(0);
            return "the init of param '" + w + "' (flagged init_scale at " + offScale.get(w) + step + ") " + way.words();
        }
        return "the inits of params '" + String.join("', '", from) + "' (flagged init_scale" + step + ") scale the "
                + "activations and gradients that reach it";
    }
}
