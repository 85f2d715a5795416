package dev.gradcheck.cli;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.model.ModelUsageException;
import dev.gradcheck.model.StateDictFit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
            description = "With --loss: the loss's target, a tensor of --values (for cross_entropy int64 class "
                    + "indices, or float64 class probabilities of the output's shape).")
    String target;

    @Option(names = "--reduction", paramLabel = "R",
            description = "With --loss: the loss's reduction, mean (default) or sum.")
    String reduction;

    /**
     * Loads {@code file} with these options and the tensors of {@code valuesFiles} (which bind an
     * ONNX graph's symbolic dimensions and hold the target).
     *
     * @return the model and the values read (none when no file was given)
     * @throws UsageException when the options do not fit the model, or two values files hold one name
     */
    Loaded load(Path file, Limits limits, List<Path> valuesFiles) {
        ValuesFiles files = ValuesFiles.read(valuesFiles, limits);
        LoadOptions options = new LoadOptions(files.merged(), files.displayName(), loss, reduction, target);
        Model model;
        try {
            model = ModelLoader.load(file, limits, options);
        } catch (ModelUsageException e) {
            throw new UsageException(e.getMessage());
        }
        // a PyTorch state dict holds buffers no exported graph reads: skipped, and said so
        List<String> notes = new ArrayList<>();
        Map<Path, Map<String, Tensor>> kept = new LinkedHashMap<>();
        for (ValuesFiles.File f : files.files()) {
            StateDictFit fit = StateDictFit.fit(model, f.arrays(), f.path());
            notes.addAll(fit.notes());
            String widened = DataFiles.widenedNote(f.path(), f.read());
            if (widened != null) {
                notes.add(widened);
            }
            kept.put(f.path(), fit.values());
        }
        return new Loaded(model, kept, List.copyOf(notes));
    }

    /** The reader's options: these, and the tensors of {@code valuesFiles} (none when empty). */
    LoadOptions options(Limits limits, List<Path> valuesFiles) {
        ValuesFiles files = ValuesFiles.read(valuesFiles, limits);
        return new LoadOptions(files.merged(), files.displayName(), loss, reduction, target);
    }

    /** These options for a reproduce line: {@code " --loss cross_entropy --target y"}, or {@code ""}. */
    String reproduceFlags() {
        return (loss != null ? " --loss " + loss : "") + (target != null ? " --target " + target : "")
                + (reduction != null ? " --reduction " + reduction : "");
    }

    /**
     * A model and the {@code --values} tensors to put in it, by file; {@code notes} say how they
     * were read (entries skipped, float32 widened to float64), empty when there is nothing to say.
     */
    record Loaded(Model model, Map<Path, Map<String, Tensor>> values, List<String> notes) {
        /** {@code base} with every file's tensors put in, each checked and named by its file. */
        Map<String, Tensor> applyTo(Map<String, Tensor> base) {
            Map<String, Tensor> out = base;
            for (Map.Entry<Path, Map<String, Tensor>> e : values.entrySet()) {
                out = model.withValues(out, e.getValue(), e.getKey());
            }
            return out;
        }

        /** The names the files set. */
        java.util.Set<String> given() {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            values.values().forEach(m -> names.addAll(m.keySet()));
            return names;
        }
    }
}
