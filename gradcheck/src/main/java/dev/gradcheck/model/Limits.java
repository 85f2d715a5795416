package dev.gradcheck.model;

import dev.gradcheck.engine.io.ReadBudget;

/**
 * Resource limits checked while loading, before anything is allocated or computed. The defaults
 * fit a default JVM heap; raise them for big models.
 *
 * @param maxElementsPerTensor most elements in one tensor (input, param or node output)
 * @param maxElementsPerModel most elements over all inputs, params and node outputs together
 * @param maxNestingDepth deepest JSON nesting (Jackson {@code StreamReadConstraints})
 * @param maxStringLength longest JSON string, in characters (Jackson {@code StreamReadConstraints})
 * @param maxNameLength longest name of an input, param or node
 * @param maxFileBytes largest model file read
 * @param allowOutsideFiles let {@code init.file} name files outside the model's folder
 * @param maxNodes most nodes in a model's graph (JSON {@code nodes}, ONNX {@code graph.node})
 */
public record Limits(long maxElementsPerTensor, long maxElementsPerModel, int maxNestingDepth, int maxStringLength,
        int maxNameLength, long maxFileBytes, boolean allowOutsideFiles, int maxNodes) {

    /** The default most nodes: far above exported networks (thousands), far below what takes the loader minutes. */
    public static final int DEFAULT_MAX_NODES = 100_000;

    /**
     * 16M elements per tensor, 64M per model (512 MB of doubles), depth 64, strings of 1M chars,
     * 100,000 nodes.
     */
    public static final Limits DEFAULT = new Limits(16_000_000L, 64_000_000L, 64, 1_000_000, 256,
            256L * 1024 * 1024, false, DEFAULT_MAX_NODES);

    /** The limits as before {@code maxNodes} existed, with its default. */
    public Limits(long maxElementsPerTensor, long maxElementsPerModel, int maxNestingDepth, int maxStringLength,
            int maxNameLength, long maxFileBytes, boolean allowOutsideFiles) {
        this(maxElementsPerTensor, maxElementsPerModel, maxNestingDepth, maxStringLength, maxNameLength, maxFileBytes,
                allowOutsideFiles, DEFAULT_MAX_NODES);
    }

    /** These limits with another most number of nodes. */
    public Limits withMaxNodes(int nodes) {
        return new Limits(maxElementsPerTensor, maxElementsPerModel, maxNestingDepth, maxStringLength, maxNameLength,
                maxFileBytes, allowOutsideFiles, nodes);
    }

    /** These limits with another per-tensor and per-model element limit. */
    public Limits withElements(long perTensor, long perModel) {
        return new Limits(perTensor, perModel, maxNestingDepth, maxStringLength, maxNameLength, maxFileBytes,
                allowOutsideFiles, maxNodes);
    }

    /** These limits, allowing or refusing data files outside the model's folder. */
    public Limits withAllowOutsideFiles(boolean allow) {
        return new Limits(maxElementsPerTensor, maxElementsPerModel, maxNestingDepth, maxStringLength, maxNameLength,
                maxFileBytes, allow, maxNodes);
    }

    /**
     * The bytes the arrays of one data file ({@code --values}, {@code --grads}), or of all the
     * {@code init.file}s of one model together, may bring into memory: 8 per element of
     * {@link #maxElementsPerModel()}.
     */
    public ReadBudget dataBudget() {
        return ReadBudget.of(ReadBudget.bytesOfDoubles(maxElementsPerModel), "--max-model-elements × 8 bytes");
    }

    /** These limits with another JSON nesting depth and string length. */
    public Limits withJson(int nestingDepth, int stringLength) {
        return new Limits(maxElementsPerTensor, maxElementsPerModel, nestingDepth, stringLength, maxNameLength,
                maxFileBytes, allowOutsideFiles, maxNodes);
    }
}
