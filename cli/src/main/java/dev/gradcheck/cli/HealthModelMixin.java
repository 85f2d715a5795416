package dev.gradcheck.cli;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The model of {@code flow} and {@code sanity}: the file, {@code --values} and {@code --seed}. */
public final class HealthModelMixin {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file: gradcheck-model/1 JSON or ONNX (told by content).")
    Path model;

    @Option(names = "--values", paramLabel = "V.npz",
            description = "Values for inputs and params by name (.npz, .npy, .safetensors or a PyTorch .pt state "
                    + "dict; float32 is widened to float64), overriding their init; may be repeated (e.g. a state "
                    + "dict and the inputs), each name in one file.")
    List<Path> values = new ArrayList<>();

    @picocli.CommandLine.Mixin
    LossMixin loss = new LossMixin();

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for random inits (default: the model file's seed, else 0).")
    Long seed;

    /** The command this mixin is part of, for the arguments as typed. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The model file. */
    public Path model() {
        return model;
    }

    /** The model file as the user typed it, for reports ({@code examples//m.json} stays so). */
    public String modelAsGiven() {
        return GivenPaths.of(mixee, model);
    }

    /** A model with its values, and the notes on how both were read (precision widened, dimensions defaulted). */
    public record Loaded(Model model, long seed, Map<String, Tensor> values, List<String> notes) {
    }

    /**
     * Loads the model and makes its values.
     *
     * @throws dev.gradcheck.model.ModelFileException when the model or values file is invalid
     */
    public Loaded load() {
        LossMixin.Loaded loaded = loss.load(model, dev.gradcheck.model.Limits.DEFAULT, values);
        Model m = loaded.model();
        long s = seed != null ? seed : m.seed();
        Map<String, Tensor> v = m.initialValues(s);
        List<String> notes = new ArrayList<>(m.notes());
        v = loaded.applyTo(v);
        notes.addAll(loaded.notes());
        notes.addAll(MissingValues.of(m, values, loaded.given(), s).notes());
        return new Loaded(m, s, v, List.copyOf(notes));
    }
}
