package dev.gradcheck.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.gradcheck.model.Limits;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The model file and what to take values and gradients for. */
public final class ModelMixin {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file: gradcheck-model/1 JSON or ONNX (told by content).")
    Path model;

    @Option(names = "--values", paramLabel = "V.npz",
            description = "Values for inputs, params and buffers by name, overriding their init (.npz, .npy, "
                    + ".safetensors or a PyTorch .pt state dict; float32 is widened to float64); for an ONNX "
                    + "model they also set symbolic dimensions (batch) and hold the --target. May be repeated (e.g. a "
                    + "state dict and the inputs), each name in one file.")
    List<Path> values = new ArrayList<>();

    @Option(names = "--wrt", paramLabel = "WHAT", split = ",",
            description = "What gradients are taken with respect to: 'params' (default), 'inputs', 'all', "
                    + "or tensor names; comma-separated or repeated.")
    List<String> wrt = new ArrayList<>();

    @Mixin
    LimitsMixin limits = new LimitsMixin();

    /** The command this mixin is part of, for the arguments as typed. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Mixin
    LossMixin loss = new LossMixin();

    /** The model file. */
    public Path model() {
        return model;
    }

    /** The model file as the user typed it, for reports ({@code examples//m.json} stays so). */
    public String modelAsGiven() {
        return GivenPaths.of(mixee, model);
    }

    /** The values files, in the order given; empty when none. */
    public List<Path> values() {
        return List.copyOf(values);
    }

    /** The values files for a reproduce line: {@code " --values a.pt --values x.npz"}, or {@code ""}. */
    String valuesFlags() {
        return ValuesFiles.flags(values);
    }

    /** The loader's limits ({@code --allow-outside-files}, {@code --max-tensor-elements}, ...). */
    public Limits limits() {
        return limits.limits();
    }

    /** The loss options ({@code --loss}, {@code --target}, {@code --reduction}). */
    public LossMixin loss() {
        return loss;
    }

    /** The {@code --wrt} selectors; empty means the params. */
    public List<String> wrt() {
        return List.copyOf(wrt);
    }
}
