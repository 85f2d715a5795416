package dev.gradcheck.cli;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.model.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model file loaded and validated, its values made (from {@code --seed}, else the file's seed,
 * then {@code --values}), and the {@code --wrt} selection resolved to tensor names.
 *
 * @param model the model
 * @param seed the seed its random inits were drawn with
 * @param values every input and param by name
 * @param wrt the names gradients are taken with respect to, in order
 * @param notes lines for the report about how the values were taken (float32 widened to float64,
 *        inputs drawn from the seed though --values was given)
 * @param missing what the --values files left out (nothing when none was given)
 */
public record LoadedModel(Model model, long seed, Map<String, Tensor> values, List<String> wrt, List<String> notes,
        MissingValues missing) {
    /**
     * Loads what the options name.
     *
     * @throws dev.gradcheck.model.ModelFileException when the model or values file is invalid
     * @throws UsageException when {@code --wrt} names something the model cannot differentiate
     */
    public static LoadedModel load(ModelMixin options, EngineMixin check) {
        Limits limits = options.limits();
        LossMixin.Loaded loaded = options.loss().load(options.model(), limits, options.values());
        Model model = loaded.model();
        long seed = check.seed(model.seed());
        Map<String, Tensor> values = model.initialValues(seed);
        // how the model and the values were read: the model's own notes (an ONNX file's precision,
        // defaulted dimensions), then the values' (float32 widened)
        List<String> notes = new ArrayList<>(model.notes());
        values = loaded.applyTo(values);
        notes.addAll(loaded.notes());
        MissingValues missing = MissingValues.of(model, options.values(), loaded.given(), seed);
        notes.addAll(missing.notes());
        return new LoadedModel(model, seed, values, resolveWrt(model, options.wrt()), List.copyOf(notes), missing);
    }

    /**
     * {@code params} (the default), {@code inputs} (the float64 ones), {@code all}, or names. A
     * name that is no input or param is a usage error naming the model, its file, the names it
     * has and the nearest ones; the one rule for every command with {@code --wrt}.
     */
    static List<String> resolveWrt(Model model, List<String> selectors) {
        Set<String> out = new LinkedHashSet<>();
        List<String> floatInputs = new ArrayList<>();
        for (TensorSpec s : model.inputs().values()) {
            if (s.dtype() == DType.FLOAT64) {
                floatInputs.add(s.name());
            }
        }
        for (String sel : selectors.isEmpty() ? List.of("params") : selectors) {
            switch (sel) {
                case "params" -> out.addAll(model.paramNames());
                case "inputs" -> out.addAll(floatInputs);
                case "all" -> {
                    out.addAll(floatInputs);
                    out.addAll(model.paramNames());
                }
                default -> {
                    if (model.constants().containsKey(sel)) {
                        throw new UsageException("--wrt: '" + sel + "' is a buffer (a constant) of model '"
                                + model.name() + "' and gets no gradient");
                    }
                    TensorSpec s = model.spec(sel);
                    if (s == null) {
                        List<String> names = new ArrayList<>(model.inputs().keySet());
                        names.addAll(model.paramNames());
                        String file = model.file() == null ? "" : model.file() + "; ";
                        boolean node = model.nodes().stream().anyMatch(n -> n.name().equals(sel));
                        throw new UsageException("--wrt: '" + sel + "' is " + (node ? "a node, " : "") + "not an input or "
                                + "param of model '" + model.name() + "' (" + file + "it has " + String.join(", ", names)
                                + ")" + (node ? "" : ModelLoader.didYouMean(sel, names)));
                    }
                    if (s.dtype() != DType.FLOAT64) {
                        throw new UsageException("--wrt: '" + sel + "' is " + s.dtype().label()
                                + " (indices or targets) and has no gradient");
                    }
                    out.add(sel);
                }
            }
        }
        if (out.isEmpty()) {
            throw new UsageException("--wrt " + String.join(",", selectors) + ": model '" + model.name()
                    + "' has nothing to differentiate with respect to");
        }
        return List.copyOf(out);
    }
}
