package dev.gradcheck.health;

import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which layers and params a param's value reaches, so that a weight initialised far off its scale
 * can be named as the cause of the findings it explains. A weight used by layer L scales, through
 * L's output, the activations of every layer after L, and so the gradients of the params those
 * layers use (a param's gradient is its layer's input times the gradient arriving there); through
 * backprop it scales the gradient arriving at every layer before L, and so their params'
 * gradients; and it sets the scale of L's own output. A layer neither before nor after L (a
 * parallel branch that merges later) is not reached: its input and its gradient do not pass L.
 */
final class InitReach {
    /** How a param's value reaches a layer or another param's gradient. */
    enum Way {
        /** Used by the same layer: it sets the scale of that layer's output. */
        SAME_LAYER("is used by the same layer and sets the scale of its output"),
        /** Used before: it scales the activations that reach the layer. */
        ACTIVATIONS("scales the activations that reach it"),
        /** Used after: backprop through it scales the gradient that reaches the layer. */
        BACKPROP("scales, through backprop, the gradient that reaches it"),
        /** Not known (statistics gathered outside a model file): it may reach everything. */
        UNKNOWN("scales the activations and gradients of the layers it is connected to");

        private final String words;

        Way(String words) {
            this.words = words;
        }

        /** What the param does to what it reaches, after {@code "the init of param 'W' ... "}. */
        String words() {
            return words;
        }
    }

    /** No graph: every param is taken to reach every other (a training loop's samples). */
    static final InitReach UNKNOWN = new InitReach(null);

    private final Model model;
    private final Map<String, Integer> position = new HashMap<>();
    private final Map<String, BitSet> users = new HashMap<>();
    private final Map<String, BitSet[]> reach = new HashMap<>();

    private InitReach(Model model) {
        this.model = model;
        if (model == null) {
            return;
        }
        List<NodeSpec> nodes = model.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i).name(), i);
            for (String in : nodes.get(i).inputs()) {
                users.computeIfAbsent(in, k -> new BitSet()).set(i);
            }
        }
    }

    /** The reach of the params of {@code model}'s graph. */
    static InitReach of(Model model) {
        return new InitReach(model);
    }

    /**
     * How {@code from}'s value reaches the gradient of param {@code to} (its layers' nearest
     * relation), or null when it does not.
     */
    Way toParam(String from, String to) {
        if (model == null) {
            return Way.UNKNOWN;
        }
        return way(from, users.getOrDefault(to, new BitSet()));
    }

    /** How {@code from}'s value reaches layer (node) {@code layer}'s output and gradient, or null. */
    Way toLayer(String from, String layer) {
        if (model == null) {
            return Way.UNKNOWN;
        }
        BitSet at = new BitSet();
        Integer i = position.get(layer);
        if (i != null) {
            at.set(i);
        }
        return way(from, at);
    }

    private Way way(String from, BitSet layers) {
        BitSet own = users.getOrDefault(from, new BitSet());
        if (own.intersects(layers)) {
            return Way.SAME_LAYER;
        }
        BitSet[] r = reach.computeIfAbsent(from, k -> closures(own));
        return r[0].intersects(layers) ? Way.ACTIVATIONS : r[1].intersects(layers) ? Way.BACKPROP : null;
    }

    /** The layers after {@code own} (its output reaches them) and the layers before it (they reach it). */
    private BitSet[] closures(BitSet own) {
        List<NodeSpec> nodes = model.nodes();
        BitSet after = (BitSet) own.clone();
        // nodes are in topological order: a node is after when one of its inputs is
        for (int j = 0; j < nodes.size(); j++) {
            for (String in : nodes.get(j).inputs()) {
                Integer i = position.get(in);
                if (i != null && after.get(i)) {
                    after.set(j);
                }
            }
        }
        BitSet before = (BitSet) own.clone();
        for (int j = nodes.size() - 1; j >= 0; j--) {
            if (before.get(j)) {
                for (String in : nodes.get(j).inputs()) {
                    Integer i = position.get(in);
                    if (i != null) {
                        before.set(i);
                    }
                }
            }
        }
        after.andNot(own);
        before.andNot(own);
        return new BitSet[] {after, before};
    }
}
