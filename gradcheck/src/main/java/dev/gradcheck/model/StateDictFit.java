package dev.gradcheck.model;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code --values} file saved from a PyTorch {@code state_dict()} fitted to a model exported
 * from that module: the state dict also holds buffers no exported graph reads (BatchNorm's batch
 * counter {@code num_batches_tracked}, an int64 scalar: the export fixes the momentum), which are
 * skipped with a note; and when the exporter folded constants and so renamed the params
 * ({@code onnx::Conv_64} for a BatchNorm folded into its Conv, {@code onnx::MatMul_186} for a
 * folded transpose), a state-dict name the graph lacks is refused with the reason and the export
 * options that keep the names. Any other unknown name is left for {@link Model#withValues} to
 * refuse (a typo stays an error).
 *
 * <p>A BatchNorm's {@code running_mean}/{@code running_var} are not skipped: a graph that reads
 * them (BatchNormalization, training or inference) has them under their state-dict names, and a
 * graph that lacks them folded the BatchNorm into a Conv, whose own weight is missing too.
 *
 * @param values the values to put in the model ({@code --values} minus the skipped buffers)
 * @param notes what the report should say about the skipped entries (empty when none were)
 */
public record StateDictFit(Map<String, Tensor> values, List<String> notes) {
    /** The buffer of PyTorch's BatchNorm that counts batches; no exported graph reads it. */
    static final String BATCH_COUNTER = "num_batches_tracked";

    /**
     * Fits {@code values} (read from {@code source}) to {@code model}.
     *
     * @throws ModelFileException naming {@code source} and the entry when a state-dict name is
     *         missing from a graph whose params the exporter renamed
     */
    public static StateDictFit fit(Model model, Map<String, Tensor> values, Path source) {
        Map<String, Tensor> kept = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> folded = FoldedConstants.of(model);
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            String n = e.getKey();
            if (model.spec(n) != null) {
                kept.put(n, e.getValue());
            } else if (isBatchCounter(n, e.getValue())) {
                skipped.add(n);
            } else if (!folded.isEmpty() && !isNodeOutput(model, n)) {
                throw new ModelFileException(source, null, -1, -1, n, "'" + n + "' is not in model '" + model.name()
                        + "'" + (model.file() == null ? "" : " (" + model.file() + ")") + ": the exporter folded "
                        + "constants and renamed params (" + list(folded) + " hold weights it computed at export"
                        + FoldedConstants.why(folded) + "), so the state dict's names are not in the graph; export with "
                        + "training=torch.onnx.TrainingMode.TRAINING and do_constant_folding=False to keep them");
            } else {
                kept.put(n, e.getValue());
            }
        }
        List<String> notes = skipped.isEmpty() ? List.of() : List.of(source + ": skipped " + list(skipped)
                + ": PyTorch buffers (BatchNorm's batch counter) that the graph does not read");
        return new StateDictFit(kept, notes);
    }

    private static boolean isBatchCounter(String name, Tensor t) {
        return (name.equals(BATCH_COUNTER) || name.endsWith("." + BATCH_COUNTER)) && t.dtype() == DType.INT64
                && t.shape().size() == 1;
    }

    private static boolean isNodeOutput(Model model, String name) {
        return model.nodes().stream().anyMatch(n -> n.name().equals(name));
    }

    private static String list(List<String> names) {
        return FoldedConstants.list(names);
    }
}
