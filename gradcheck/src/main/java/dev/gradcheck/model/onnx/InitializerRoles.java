package dev.gradcheck.model.onnx;

import dev.gradcheck.model.onnx.OnnxProto.GraphProto;
import dev.gradcheck.model.onnx.OnnxProto.NodeProto;
import dev.gradcheck.model.onnx.OnnxProto.TensorProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What each float initializer of an ONNX graph is, as PyTorch has it (the file stores params and
 * buffers alike): a param when a differentiable path leads from it to the graph's output, through
 * op inputs that take a gradient ({@link OnnxOp#passesGradient}); a buffer when it feeds only
 * inputs PyTorch keeps as buffers (BatchNormalization's running statistics, a loss's class
 * weights), replaceable by name; else a constant read at load time, which reaches the output
 * only through inputs without a gradient (a mask compared with {@code ==}, class weights behind a
 * Cast, a shape, a ratio), so comparisons and shape arithmetic on it fold.
 */
final class InitializerRoles {
    /** What an initializer is. */
    enum Role {
        PARAM, BUFFER, CONSTANT
    }

    private InitializerRoles() {
    }

    /** The role of every initializer of {@code g} by name (integer ones are constants). */
    static Map<String, Role> of(GraphProto g) {
        Set<String> differentiable = reachingOutput(g);
        Set<String> buffers = onlyUsedAs(g, OnnxOp::bufferInputs);
        Map<String, Role> roles = new HashMap<>();
        for (TensorProto t : g.initializers()) {
            OnnxType type = OnnxType.of(t.dataType());
            Role r = type == null || !type.isFloat() ? Role.CONSTANT : differentiable.contains(t.name()) ? Role.PARAM
                    : buffers.contains(t.name()) ? Role.BUFFER : Role.CONSTANT;
            roles.put(t.name(), r);
        }
        return roles;
    }

    /**
     * The values a gradient of the first output reaches, walking the nodes backwards (an ONNX
     * graph lists them in topological order): from each node with a reached output to its inputs
     * that take a gradient. A node of an op the table lacks passes it to every input (it is
     * refused when converted anyway).
     */
    private static Set<String> reachingOutput(GraphProto g) {
        Set<String> reached = new HashSet<>();
        if (g.outputs().isEmpty()) {
            return reached;
        }
        reached.add(g.outputs().get(0).name());
        List<NodeProto> nodes = g.nodes();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            NodeProto n = nodes.get(k);
            if (n.outputs().stream().noneMatch(reached::contains)) {
                continue;
            }
            OnnxOp row = row(n);
            for (int i = 0; i < n.inputs().size(); i++) {
                if (row == null || row.passesGradient(n, i)) {
                    reached.add(n.inputs().get(i));
                }
            }
        }
        return reached;
    }

    /**
     * The values used only as the inputs the op table names with {@code which}: buffers
     * (BatchNormalization's running statistics, which PyTorch keeps as buffers, not parameters,
     * and losses' class weights).
     */
    private static Set<String> onlyUsedAs(GraphProto g, Function<OnnxOp, Set<Integer>> which) {
        Map<String, Boolean> only = new HashMap<>();
        for (NodeProto n : g.nodes()) {
            OnnxOp row = row(n);
            for (int i = 0; i < n.inputs().size(); i++) {
                boolean buffer = row != null && which.apply(row).contains(i);
                only.merge(n.inputs().get(i), buffer, Boolean::logicalAnd);
            }
        }
        Set<String> out = new HashSet<>();
        only.forEach((k, v) -> {
            if (v) {
                out.add(k);
            }
        });
        return out;
    }

    private static OnnxOp row(NodeProto n) {
        return n.domain().isEmpty() || n.domain().equals("ai.onnx") ? OnnxOpTable.get(n.opType()) : null;
    }
}
