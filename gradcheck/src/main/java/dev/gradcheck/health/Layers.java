package dev.gradcheck.health;

import dev.gradcheck.engine.DType;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which layer's gradient a layer's own comes from, for the growth ratio of the flow report. A
 * float node of the model (in its topological order) is a cut when no edge between float nodes
 * jumps over it: every path from the nodes before it to the loss passes through it, so the
 * gradient reaching anything before it flows through it alone. Between two consecutive cuts, the
 * ratio of their gradients is what the block between them does to the gradient; a node inside a
 * block that branches (the elementwise ops an exporter writes GELU as, a residual block's convs)
 * gets its gradient from several paths and is compared with none.
 */
final class Layers {
    private Layers() {
    }

    /** Each input's and param's first user: the node that uses it first, in the model's order. */
    static Map<String, String> firstUsers(Model model) {
        Map<String, String> firstUser = new HashMap<>();
        for (NodeSpec n : model.nodes()) {
            for (String in : n.inputs()) {
                firstUser.putIfAbsent(in, n.name());
            }
        }
        return firstUser;
    }

    /** Each cut's next cut (the model's output node excluded); nodes that are no cut are absent. */
    static Map<String, String> nextThroughCuts(Model model) {
        List<NodeSpec> nodes = model.nodes().stream().filter(n -> n.dtype() == DType.FLOAT64).toList();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i).name(), i);
        }
        // furthest[i]: the furthest position a node at or before i feeds
        int[] lastUser = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            lastUser[i] = i;
        }
        for (int j = 0; j < nodes.size(); j++) {
            for (String in : nodes.get(j).inputs()) {
                Integer i = position.get(in);
                if (i != null) {
                    lastUser[i] = Math.max(lastUser[i], j);
                }
            }
        }
        boolean[] cut = new boolean[nodes.size()];
        int furthestBefore = -1;
        for (int i = 0; i < nodes.size(); i++) {
            cut[i] = furthestBefore <= i;
            furthestBefore = Math.max(furthestBefore, lastUser[i]);
        }
        Map<String, String> next = new HashMap<>();
        String following = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (!cut[i]) {
                continue;
            }
            String name = nodes.get(i).name();
            if (following != null) {
                next.put(name, following);
            }
            if (!name.equals(model.output())) {
                following = name;
            }
        }
        return next;
    }
}
