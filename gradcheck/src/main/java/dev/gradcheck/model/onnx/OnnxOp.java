package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.onnx.OnnxProto.NodeProto;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One row of the ONNX op table: an ONNX op type, the engine ops it becomes, the attributes it
 * understands (any other is refused), what the mapping does in words, and the converter that does
 * it. The rows are data; docs/model-format.md prints them and a test keeps the two in step.
 *
 * @param type the ONNX op type ({@code Gemm})
 * @param engineOps the registered engine ops it may emit (empty for ops folded at load time or
 *        that emit nothing)
 * @param attributes the ONNX attributes it reads
 * @param mapping the mapping in words, for the docs' table
 * @param converter what turns one node into engine ops
 * @param since the first {@code ai.onnx} opset that has the op (1 for ops older than opset 13)
 * @param bufferInputs the inputs whose initializers are buffers, not params, when they feed
 *        nothing else (BatchNormalization's running mean and variance)
 * @param constantInputs the inputs read at load time (shapes, axes, ratios, bounds): an initializer
 *        that feeds nothing else is a constant, not a param
 * @param passesGradient whether a node of this op passes a gradient from its outputs to its other
 *        inputs (those neither buffers nor constants): not for comparisons, shapes or a Cast to an
 *        integer type, whose outputs PyTorch does not differentiate
 */
record OnnxOp(String type, List<String> engineOps, Set<String> attributes, String mapping, Converter converter,
        int since, Set<Integer> bufferInputs, Set<Integer> constantInputs, Predicate<NodeProto> passesGradient) {
    /** Turns one ONNX node into engine ops (or constants), binding its outputs. */
    @FunctionalInterface
    interface Converter {
        void convert(NodeContext n);
    }

    OnnxOp {
        engineOps = List.copyOf(engineOps);
        attributes = Set.copyOf(attributes);
        bufferInputs = Set.copyOf(bufferInputs);
        constantInputs = Set.copyOf(constantInputs);
    }

    /** A row. */
    static OnnxOp of(String type, String engineOps, String attributes, String mapping, Converter c) {
        return new OnnxOp(type, words(engineOps), Set.copyOf(words(attributes)), mapping, c, 1, Set.of(), Set.of(),
                node -> true);
    }

    /** This row for an op that first appeared in opset {@code opset}. */
    OnnxOp since(int opset) {
        return new OnnxOp(type, engineOps, attributes, mapping, converter, opset, bufferInputs, constantInputs,
                passesGradient);
    }

    /** This row with inputs {@code inputs} taken as buffers when an initializer feeds nothing else. */
    OnnxOp buffers(Integer... inputs) {
        return new OnnxOp(type, engineOps, attributes, mapping, converter, since, Set.of(inputs), constantInputs,
                passesGradient);
    }

    /** This row with inputs {@code inputs} read at load time (an initializer feeding only such inputs is a constant). */
    OnnxOp constants(Integer... inputs) {
        return new OnnxOp(type, engineOps, attributes, mapping, converter, since, bufferInputs, Set.of(inputs),
                passesGradient);
    }

    /** This row for an op whose nodes pass a gradient only when {@code when} holds (a Cast to a float type). */
    OnnxOp gradientWhen(Predicate<NodeProto> when) {
        return new OnnxOp(type, engineOps, attributes, mapping, converter, since, bufferInputs, constantInputs, when);
    }

    /** This row for an op whose outputs carry no gradient (a comparison's bool, a shape). */
    OnnxOp noGradient() {
        return gradientWhen(node -> false);
    }

    /** True when a gradient at {@code node}'s outputs flows on to its input {@code i}. */
    boolean passesGradient(NodeProto node, int i) {
        return passesGradient.test(node) && !bufferInputs.contains(i) && !constantInputs.contains(i);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    /** The engine ops this row needs that the registry lacks (ops of another branch, say); empty when usable. */
    List<String> missingEngineOps() {
        return engineOps.stream().filter(o -> !OpRegistry.contains(o)).toList();
    }
}
