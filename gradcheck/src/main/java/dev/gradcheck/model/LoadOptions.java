package dev.gradcheck.model;

import dev.gradcheck.engine.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a model reader may need beyond the file, for formats that leave things open (ONNX):
 * the {@code --values} tensors (their shapes bind symbolic dimensions such as {@code batch}; the
 * target of {@code --loss} is one of them) and the loss to put after a graph that ends in logits.
 * A {@code gradcheck-model/1} file needs none of it.
 *
 * @param values the tensors of {@code --values} by name (empty when none)
 * @param valuesFile the file they came from, named in messages (may be null)
 * @param loss a registered loss op ({@code cross_entropy}, {@code mse_loss}, …) applied to the
 *        graph's output, or null
 * @param reduction the loss's {@code reduction} ({@code mean}, {@code sum}), or null for its default
 * @param target the name of the loss's target tensor, one of {@code values}, or null
 */
public record LoadOptions(Map<String, Tensor> values, Path valuesFile, String loss, String reduction, String target) {
    /** Nothing beyond the file. */
    public static final LoadOptions NONE = new LoadOptions(Map.of(), null, null, null, null);

    public LoadOptions {
        values = Map.copyOf(values);
    }

    /** True when a loss was asked for ({@code --loss}, {@code --target} or {@code --reduction}). */
    public boolean asksForLoss() {
        return loss != null || target != null || reduction != null;
    }
}
