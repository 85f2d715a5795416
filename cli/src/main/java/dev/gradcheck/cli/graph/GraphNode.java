package dev.gradcheck.cli.graph;

import java.util.List;

/**
 * One node of the drawn graph: an input, a param or an op's output.
 *
 * @param name the tensor's name in the model
 * @param kind {@code input}, {@code param} or {@code op}
 * @param op the op's registry name with its attributes that differ from their defaults (null for
 *     inputs and params)
 * @param inputs names of the nodes feeding this one, in operand order (empty for inputs and params)
 * @param operands the op's names for those operand positions ({@code input}, {@code other}, …),
 *     as many as {@code inputs} (empty for inputs and params)
 * @param shape the shape, printed as {@code [8, 4]}
 * @param value summary of the values (null when not computed)
 * @param grad summary of the gradient of the output w.r.t. this tensor (null when none)
 * @param check the checker's status for this tensor ({@code pass}, {@code fail}, …), or null
 * @param checkDetail e.g. the max errors or the diagnosis, or null
 * @param produced what this node produced from finite inputs (e.g. {@code NaN in the forward
 *     pass}), or null: it is where a NaN or Inf was born, not a node that only carries one
 */
public record GraphNode(String name, String kind, String op, List<String> inputs, List<String> operands, String shape,
        Summary value, Summary grad, String check, String checkDetail, String produced) {
    public GraphNode {
        inputs = List.copyOf(inputs);
        operands = List.copyOf(operands);
    }

    /** True when this node produced a NaN or Inf from finite inputs. */
    public boolean producer() {
        return produced != null;
    }

    /** True when its value or gradient holds a NaN or Inf that another node produced. */
    public boolean carrier() {
        return !producer() && ((value != null && !value.finite()) || (grad != null && !grad.finite()));
    }
}
