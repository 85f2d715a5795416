package dev.gradcheck.cli;

import dev.gradcheck.model.Limits;
import picocli.CommandLine.Option;

/**
 * What a model file may reach: where its data files may live and how big its tensors may be
 * (the loader's {@link Limits}, checked before anything is allocated).
 */
public final class LimitsMixin {
    @Option(names = "--allow-outside-files",
            description = "Let init.file (or an ONNX model's external data) name files outside the model's folder "
                    + "(absolute paths, '..', symlinks out).")
    boolean allowOutsideFiles;

    @Option(names = "--max-tensor-elements", paramLabel = "N",
            description = "Most elements in one tensor of the model or its data files (default: 16000000).")
    Long maxTensorElements;

    @Option(names = "--max-model-elements", paramLabel = "N",
            description = "Most elements over all inputs, params and node outputs (default: 64000000).")
    Long maxModelElements;

    @Option(names = "--max-model-nodes", paramLabel = "N",
            description = "Most nodes in the model's graph (default: 100000).")
    Integer maxModelNodes;

    /** The loader's limits for these options (the defaults where none was given). */
    public Limits limits() {
        long perTensor = maxTensorElements != null ? maxTensorElements : Limits.DEFAULT.maxElementsPerTensor();
        long perModel = maxModelElements != null ? maxModelElements : Limits.DEFAULT.maxElementsPerModel();
        if (perTensor < 1 || perModel < 1) {
            throw new UsageException("--max-tensor-elements and --max-model-elements must be at least 1, got "
                    + perTensor + " and " + perModel);
        }
        int nodes = maxModelNodes != null ? maxModelNodes : Limits.DEFAULT_MAX_NODES;
        if (nodes < 1) {
            throw new UsageException("--max-model-nodes must be at least 1, got " + nodes);
        }
        return Limits.DEFAULT.withElements(perTensor, perModel).withAllowOutsideFiles(allowOutsideFiles)
                .withMaxNodes(nodes);
    }
}
