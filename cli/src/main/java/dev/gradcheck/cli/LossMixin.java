package dev.gradcheck.cli;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.model.ModelUsageException;
import dev.gradcheck.model.StateDictFit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The loss to put after a model that ends in logits (an ONNX graph exported without its loss):
 * {@code --loss OP --target NAME [--reduction R]}, and the one way every command that takes a
 * MODEL loads it with them.
 */
public final class LossMixin {
    @Option(names = "--loss", paramLabel = "OP",
            description = "For a model whose output is not a scalar (an ONNX graph ending in logits): the loss op "
                    + "applied to the output and --target, e.g. cross_entropy, nll_loss, mse_loss, "
                    + "binary_cross_entropy_with_logits.")
    String loss;

    @Option(names = "--target", paramLabel = "NAME",
            description = "With --loss: the loss's target, a tensor of --values (class indices as int64 for "
                    + "cross_entropy).")
    String target;

    @Option(names = "--reduction", paramLabel = "R",
            description = "With --loss: the loss's reduction, mean (default) or sum.")
    String reduction;

    /**
     * Loads {@code file} with these options and the tensors of {@code valuesFile} (which bind an
     * ONNX graph's symbolic dimensions and hold the target).
     *
     * @return the model and the values read (empty when no file was given)
     * @throws UsageException when the options do not fit the model
     */
    Loaded load(Path file, Limits limits, Path valuesFile) {
        List<StoredTensor> read = valuesFile == null ? List.of()
                : DataFiles.read(valuesFile, limits.maxElementsPerTensor(), limits.dataBudget());
        LoadOptions options = new LoadOptions(DataFiles.arrays(read), valuesFile, loss, reduction, target);
        String widened = valuesFile == null ? null : DataFiles.widenedNote(valuesFile, read);
        Model model;
        try {
            model = ModelLoader.load(file, limits, options);
        } catch (ModelUsageException e) {
            throw new UsageException(e.getMessage());
        }
        // a PyTorch state dict holds buffers no exported graph reads: skipped, and said so
        StateDictFit fit = StateDictFit.fit(model, options.values(), valuesFile);
        List<String> notes = new ArrayList<>(fit.notes());
        if (widened != null) {
            notes.add(widened);
        }
        return new Loaded(model, fit.values(), List.copyOf(notes));
    }

    /** The reader's options: these, and the tensors of {@code valuesFile} (none when null). */
    LoadOptions options(Limits limits, Path valuesFile) {
        Map<String, Tensor> values = valuesFile == null ? Map.of()
                : DataFiles.arrays(DataFiles.read(valuesFile, limits.maxElementsPerTensor(), limits.dataBudget()));
        return new LoadOptions(values, valuesFile, loss, reduction, target);
    }

    /** These options for a reproduce line: {@code " --loss cross_entropy --target y"}, or {@code ""}. */
    String reproduceFlags() {
        return (loss != null ? " --loss " + loss : "") + (target != null ? " --target " + target : "")
                + (reduction != null ? " --reduction " + reduction : "");
    }

    /**
     * A model and the {@code --values} tensors to put in it; {@code notes} say how they were read
     * (entries skipped, float32 widened to float64), empty when there is nothing to say.
     */
    record Loaded(Model model, Map<String, Tensor> values, List<String> notes) {
    }
}
