package dev.gradcheck.cli.graph;

import java.util.List;

/**
 * One node of the drawn graph: an input, a param or an op's output.
 *
 * @param name the tensor's name in the model
 * @param kind {@code input}, {@code param} or {@code op}
 * @param op the op's registry name (null for inputs and params)
 * @param inputs names of the nodes feeding this one (empty for inputs and params)
 * @param shape the shape, printed as {@code [8, 4]}
 * @param value summary of the values (null when not computed)
 * @param grad summary of the gradient of the output w.r.t. this tensor (null when none)
 * @param check the checker's status for this tensor ({@code pass}, {@code fail}, …), or null
 * @param checkDetail e.g. the max errors or the diagnosis, or null
 */
public record GraphNode(String name, String kind, String op, List<String> inputs, String shape, Summary value,
        Summary grad, String check, String checkDetail) {
    /** True when the node is drawn red: a failed or errored check, or a non-finite value or gradient. */
    public boolean bad() {
        return "fail".equals(check) || "error".equals(check)
                || (value != null && !value.finite()) || (grad != null && !grad.finite());
    }
}
