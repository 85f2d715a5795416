package dev.gradcheck.internal;

import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.internal.diagnosis.Findings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What to do next when a user's function (a whole network as one {@code DifferentiableFunction})
 * fails and no pattern names why: its failing inputs without a diagnosis get one that says where
 * the error is (the failing inputs against the passing ones, each input's largest errors with
 * analytic and numeric side by side) and suggests checking the layer whose gradients are wrong on
 * its own as a {@code CustomOp}, whose gradients are compared per output (the output, gradOutput
 * and forward are then known per entry, so more causes can be named). Not for model files or
 * registry ops: their layers are the toolkit's own.
 */
public final class NextStep {
    /** The finding's kind: it says where and what to do, not why. */
    public static final String KIND = "next_step";
    /** How many of an input's largest errors are quoted. */
    private static final int QUOTED = 3;

    private NextStep() {
    }

    /** The results, each failing one without a diagnosis given the next step; the others unchanged. */
    public static List<CheckResult> suggest(List<CheckResult> results) {
        if (results.stream().noneMatch(r -> r.status() == Status.FAIL && r.diagnosis() == null)) {
            return results;
        }
        String layer = layer(Located.of(results, CheckResult::name));
        List<CheckResult> out = new ArrayList<>(results.size());
        for (CheckResult r : results) {
            if (r.status() == Status.FAIL && r.diagnosis() == null) {
                out.add(r.toBuilder().diagnosis("no known pattern fits input '" + r.name() + "' alone" + largest(r)
                        + "; next step: " + layer).findings(List.of(KIND)).build());
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * An op-level result of a user's function checked at several draws (the JUnit extension's
     * {@code GradChecker}, per-input results nested under it) with the next step added when it
     * failed and no cause was named (no diagnosis, or one that only says which input is wrong).
     */
    public static CheckResult suggestFor(CheckResult op) {
        if (op.status() != Status.FAIL || !saysOnlyWhere(op.findings())) {
            return op;
        }
        // the nested results are "input0 (draw 1, |x|~10.0)": one input at several draws
        Located located = Located.of(op.inputs(), r -> r.name().contains(" (")
                ? r.name().substring(0, r.name().indexOf(" (")) : r.name());
        if (located.wrong().isEmpty()) {
            return op;
        }
        String step = "next step: " + layer(located);
        List<String> kinds = new ArrayList<>(op.findings());
        kinds.add(KIND);
        return op.toBuilder().diagnosis(op.diagnosis() == null ? "no known pattern fits" + largest(op) + "; " + step
                : op.diagnosis() + "; " + step).findings(kinds).build();
    }

    /** The inputs whose check failed, and those that passed (and never failed), each once, in order. */
    private record Located(List<String> wrong, List<String> right) {
        static Located of(List<CheckResult> results, java.util.function.Function<CheckResult, String> input) {
            java.util.Set<String> wrong = new java.util.LinkedHashSet<>();
            java.util.Set<String> right = new java.util.LinkedHashSet<>();
            for (CheckResult r : results) {
                if (r.status() == Status.FAIL) {
                    wrong.add(input.apply(r));
                } else if (r.passed() && r.status() != Status.SKIPPED) {
                    right.add(input.apply(r));
                }
            }
            right.removeAll(wrong);
            return new Located(List.copyOf(wrong), List.copyOf(right));
        }
    }

    /** No finding, or only the one that says which input is wrong: no cause named. */
    private static boolean saysOnlyWhere(List<String> findings) {
        return findings.stream().allMatch(Findings.ONLY_INPUT::equals);
    }

    /** Where the bug is among the inputs, and the check that can name it. */
    private static String layer(Located located) {
        List<String> wrong = located.wrong();
        List<String> right = located.right();
        String check = " on its own as a CustomOp (CustomOpCheck.run(List.of(op), CheckOptions.defaults())), which"
                + " compares its gradients per output and names more causes";
        if (right.isEmpty()) {
            return "every input's gradient is wrong (" + String.join(", ", wrong) + "), so the inputs do not locate the"
                    + " bug (a mistake in a step the backward takes before it branches towards them reaches every one); check"
                    + " each layer" + check + ", starting nearest the output";
        }
        return String.join(", ", wrong) + (wrong.size() == 1 ? " is" : " are") + " wrong while "
                + String.join(", ", right) + (right.size() == 1 ? " is" : " are") + " right, so the bug is in the part of"
                + " the backward that computes the gradient of " + String.join(", ", wrong) + " and not that of "
                + String.join(", ", right) + "; check that layer" + check;
    }

    /** " (largest errors at [1, 2]: analytic 0.31 vs numeric 0.12; …)" from the result's worst entries, or "". */
    private static String largest(CheckResult r) {
        List<EntryResult> worst = new ArrayList<>(r.worst());
        worst.removeIf(e -> e.status() != Status.FAIL);
        if (worst.isEmpty()) {
            return "";
        }
        worst.sort(Comparator.comparingDouble((EntryResult e) -> -Math.abs(e.analytic() - e.numeric())));
        List<String> quoted = new ArrayList<>();
        for (EntryResult e : worst.subList(0, Math.min(QUOTED, worst.size()))) {
            quoted.add(Indexing.format(e.index()) + ": analytic " + num(e.analytic()) + " vs numeric " + num(e.numeric()));
        }
        return " (largest error" + (quoted.size() == 1 ? " at " : "s at ") + String.join("; ", quoted) + ")";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
