package dev.gradcheck.cli;

import dev.gradcheck.model.FoldedConstants;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The inputs and params that {@code --values} files leave out, though given: those with a random
 * init are drawn from the seed (a {@code model.state_dict()} holds no inputs, so PyTorch's
 * gradients were taken at other inputs: every comparison fails), and an exporter-folded param
 * ({@link FoldedConstants}) keeps the value computed at export while the params it came from
 * change. Said in a note on every command, and as the likely cause on a failed comparison.
 *
 * @param files the {@code --values} files (empty: nothing is said)
 * @param seed the seed the left-out values were drawn with
 * @param seededInputs inputs drawn from the seed
 * @param seededParams params drawn from the seed
 * @param folded exporter-folded params left at their exported values while some param was given
 */
record MissingValues(List<Path> files, long seed, List<String> seededInputs, List<String> seededParams,
        List<String> folded) {
    /** What {@code given} (the names the files set) leaves out of {@code model}. */
    static MissingValues of(Model model, List<Path> files, Set<String> given, long seed) {
        List<String> inputs = new ArrayList<>();
        List<String> params = new ArrayList<>();
        for (TensorSpec s : model.inputs().values()) {
            if (!given.contains(s.name()) && s.init().random()) {
                inputs.add(s.name());
            }
        }
        boolean paramGiven = false;
        List<String> folded = new ArrayList<>();
        for (TensorSpec s : model.params().values()) {
            if (given.contains(s.name())) {
                paramGiven = true;
            } else if (FoldedConstants.isFolded(s.name())) {
                folded.add(s.name());
            } else if (s.init().random()) {
                params.add(s.name());
            }
        }
        return new MissingValues(List.copyOf(files), seed, List.copyOf(inputs), List.copyOf(params),
                paramGiven ? List.copyOf(folded) : List.of());
    }

    /** True when the files leave out something drawn from the seed. */
    boolean anySeeded() {
        return !files.isEmpty() && (!seededInputs.isEmpty() || !seededParams.isEmpty());
    }

    /** The report's notes: what was drawn from the seed, which folded copies may be stale. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (anySeeded()) {
            notes.add(filesText() + " " + (files.size() == 1 ? "has" : "have") + " no " + seededText()
                    + ": drawn from the seed " + seed + "; gradients computed elsewhere at other values will not match: "
                    + "add them in a --values file (--values may be repeated, e.g. a state dict and "
                    + "torch.save({'x': x, ...}, 'inputs.pt'))");
        }
        if (!files.isEmpty() && !folded.isEmpty()) {
            notes.add(FoldedConstants.list(folded) + " " + (folded.size() == 1 ? "is a constant" : "are constants")
                    + " the exporter computed from params at export (not in " + filesText() + "): "
                    + (folded.size() == 1 ? "it keeps its" : "they keep their") + " exported value, which does not "
                    + "follow the params given in --values; " + FoldedConstants.reexport(folded));
        }
        return notes;
    }

    /** The likely cause of a failed comparison, or null when the files left nothing to the seed. */
    String failureHint() {
        if (!anySeeded()) {
            return null;
        }
        return "likely cause: " + seededText() + " " + (count() == 1 ? "was" : "were") + " drawn from the seed "
                + seed + ", not taken from " + filesText() + ", which " + (files.size() == 1 ? "lacks" : "lack")
                + " " + (count() == 1 ? "it" : "them") + ": give the values the gradients were computed at in --values";
    }

    private int count() {
        return seededInputs.size() + seededParams.size();
    }

    private String seededText() {
        List<String> parts = new ArrayList<>();
        if (!seededInputs.isEmpty()) {
            parts.add((seededInputs.size() == 1 ? "input " : "inputs ") + FoldedConstants.list(seededInputs));
        }
        if (!seededParams.isEmpty()) {
            parts.add((seededParams.size() == 1 ? "param " : "params ") + FoldedConstants.list(seededParams));
        }
        return String.join(" and ", parts);
    }

    private String filesText() {
        return String.join(" and ", files.stream().map(Path::toString).toList());
    }
}
