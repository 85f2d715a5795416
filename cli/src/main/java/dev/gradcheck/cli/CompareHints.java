package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.model.FoldedConstants;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The likely causes compare adds to its failed and errored checks, as their diagnosis, when the
 * check alone cannot tell: inputs drawn from the seed because {@code --values} lacked them
 * ({@link MissingValues}); params the exporter folded into constants ({@link FoldedConstants}),
 * which cut the path from a param and have no counterpart in PyTorch's gradients; names that
 * differ from the model's by a common prefix ({@code module.} of DataParallel) or a typo.
 */
final class CompareHints {
    private final LoadedModel lm;
    private final Set<String> theirs;
    private final Path gradsFile;
    private final List<String> folded;
    private final List<String> unmatchedTheirs = new ArrayList<>();
    private final List<String> unmatchedOurs = new ArrayList<>();
    /** A prefix the file's unmatched names carry over the model's ({@code module.}), or null. */
    private final String theirPrefix;
    /** A prefix the model's unmatched names carry over the file's, or null. */
    private final String ourPrefix;

    private CompareHints(LoadedModel lm, Set<String> theirs, Path gradsFile) {
        this.lm = lm;
        this.theirs = theirs;
        this.gradsFile = gradsFile;
        this.folded = FoldedConstants.of(lm.model());
        for (String n : theirs) {
            if (!lm.wrt().contains(n)) {
                unmatchedTheirs.add(n);
            }
        }
        for (String n : lm.wrt()) {
            if (!theirs.contains(n)) {
                unmatchedOurs.add(n);
            }
        }
        theirPrefix = commonPrefix(unmatchedTheirs, unmatchedOurs);
        ourPrefix = commonPrefix(unmatchedOurs, unmatchedTheirs);
    }

    /**
     * {@code checks} with the hints that apply added to their diagnosis.
     *
     * @param theirs the names in the gradients file
     */
    static List<CheckResult> annotate(List<CheckResult> checks, LoadedModel lm, Set<String> theirs, Path gradsFile) {
        CompareHints h = new CompareHints(lm, theirs, gradsFile);
        List<CheckResult> out = new ArrayList<>(checks.size());
        for (CheckResult c : checks) {
            String hint = h.hint(c);
            if (hint == null) {
                out.add(c);
            } else {
                String d = c.diagnosis() == null ? hint : c.diagnosis() + "; " + hint;
                out.add(c.toBuilder().diagnosis(d).build());
            }
        }
        return out;
    }

    private String hint(CheckResult c) {
        String name = c.name();
        if (c.status() == Status.FAIL) {
            List<String> hints = new ArrayList<>();
            String seeded = lm.missing().failureHint();
            if (seeded != null) {
                hints.add(seeded);
            }
            if (!folded.isEmpty() && !FoldedConstants.isFolded(name)) {
                hints.add("the exporter folded computations on params into constants (" + FoldedConstants.list(folded)
                        + FoldedConstants.why(folded) + "): a path from '" + name + "' through them, if it had one, is "
                        + "cut in the graph, and its reference gradient lacks that part; " + FoldedConstants.reexport(folded));
            }
            return hints.isEmpty() ? null : String.join("; ", hints);
        }
        if (c.status() != Status.ERROR) {
            return null;
        }
        if (lm.wrt().contains(name) && !theirs.contains(name)) {
            if (FoldedConstants.isFolded(name)) {
                return "'" + name + "' is an initializer of the exporter's making (" + FoldedConstants.PREFIX
                        + "…): it folded a computation on a param into a constant at export"
                        + FoldedConstants.why(List.of(name)) + ", so PyTorch has no gradient of that name and the "
                        + "param it came from loses this path; " + FoldedConstants.reexport(folded);
            }
            String near = nameHint(name, unmatchedTheirs);
            return near != null ? near : bufferHint(name);
        }
        if (!lm.wrt().contains(name) && theirs.contains(name) && lm.model().spec(name) == null) {
            if (!folded.isEmpty()) {
                return "the graph has no '" + name + "': the exporter folded params into constants ("
                        + FoldedConstants.list(folded) + FoldedConstants.why(folded) + "), so some of PyTorch's "
                        + "names are not in it; " + FoldedConstants.reexport(folded);
            }
            return nameHint(name, unmatchedOurs);
        }
        return null;
    }

    /** Most names a suggested {@code --wrt} lists; beyond it the hint says how to make the list. */
    static final int MAX_WRT_LISTED = 16;

    /**
     * Why a tensor the model differentiates may have no gradient in the file when no name near it
     * is there: a buffer ({@code register_buffer}) that reaches the loss through differentiable ops
     * (a positional encoding added to the input, a -inf mask added to the scores), which an ONNX
     * file stores as it stores params and PyTorch does not differentiate; and how to compare the
     * rest. Never a pass: the name could as well be a param the file forgot.
     */
    private String bufferHint(String name) {
        List<String> both = lm.wrt().stream().filter(theirs::contains).toList();
        String wrt = both.isEmpty() ? "" : both.size() <= MAX_WRT_LISTED ? "; if so, compare the others alone: --wrt "
                + String.join(",", both) : "; if so, compare the others alone: --wrt with the " + both.size()
                + " names both hold (in Python: ','.join(np.load(\"" + gradsFile.getFileName() + "\").files))";
        return "if '" + name + "' is a buffer of the PyTorch module (register_buffer, e.g. a positional encoding, "
                + "an attention mask, a loss's pos_weight), PyTorch keeps no gradient for it, while the model takes "
                + "it as a param: an ONNX file stores buffers as it stores params, and this one reaches the output "
                + "through differentiable ops" + wrt;
    }

    /**
     * A common prefix that the file's names carry and the model's lack ({@code module.} of
     * DataParallel), or the other way round, else the names near {@code name} among
     * {@code candidates}, else null.
     */
    private String nameHint(String name, List<String> candidates) {
        if (theirPrefix != null) {
            return gradsFile + "'s names carry a prefix '" + theirPrefix + "' that the model's lack"
                    + (theirPrefix.equals("module.") ? " (the names of a DataParallel or DistributedDataParallel module)"
                            : "")
                    + ": save them without it, e.g. {k.removeprefix('" + theirPrefix + "'): v for k, v in grads.items()}";
        }
        if (ourPrefix != null) {
            return "the model's names carry a prefix '" + ourPrefix + "' that " + gradsFile + "'s lack: save the "
                    + "gradients under the model's names";
        }
        String near = ModelLoader.didYouMean(name, candidates);
        return near.isEmpty() ? null : near.substring(2);
    }

    /** The prefix most of {@code longer} carry over a name of {@code shorter}, or null. */
    private static String commonPrefix(List<String> longer, List<String> shorter) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String l : longer) {
            for (String s : shorter) {
                // a prefix ends at a separator ('module.'), so W1 is no prefix plus 1
                if (l.length() > s.length() && l.endsWith(s)
                        && !Character.isLetterOrDigit(l.charAt(l.length() - s.length() - 1))) {
                    counts.merge(l.substring(0, l.length() - s.length()), 1, Integer::sum);
                }
            }
        }
        return counts.entrySet().stream().filter(e -> e.getValue() * 2 >= Math.min(longer.size(), shorter.size()))
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }
}
