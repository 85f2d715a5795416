package dev.gradcheck.internal;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.internal.diagnosis.Evidence;
import dev.gradcheck.internal.diagnosis.Findings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The forward-mode check's words: the diagnoser's findings about a JVP, said of the forward rule
 * ("the forward rule (jvp) has the wrong sign", "the forward rule ignores input1's tangent"), and
 * the summary of every tangent's result ("wrong only for input1's tangent: a product-rule term is
 * missing?").
 */
public final class ForwardWording {
    /** The finding kind of a wrong forward rule. */
    public static final String KIND = "forward_rule";
    /** The finding kind of a failed adjoint identity. */
    public static final String ADJOINT = "adjoint";
    /** The finding kind the diagnoser gives a gradient that is zero where the numbers are not. */
    private static final String ZERO = "zero";
    private static final String ZERO_TEXT = "jvp is zero on every entry where the numeric directional derivative"
            + " along it is not";

    private ForwardWording() {
    }

    /**
     * One tangent's diagnosis (null: no pattern fits), said of the forward rule.
     *
     * @param input the input the tangent moves alone, or null for every input at once
     */
    public static Diagnosis tangent(Diagnosis found, String input) {
        List<String> kinds = new ArrayList<>();
        kinds.add(KIND);
        if (found == null) {
            return new Diagnosis("the forward rule (jvp) disagrees with the numeric directional derivative"
                    + (input == null ? "" : " along " + input + "'s tangent"), kinds);
        }
        kinds.addAll(found.kinds());
        if (found.kinds().contains(ZERO)) {
            return new Diagnosis(input == null
                    ? "the forward rule (jvp) returns zero where the numeric directional derivative is not"
                    : "the forward rule ignores " + input + "'s tangent: " + ZERO_TEXT, kinds);
        }
        String text = relabel(found.text());
        if (text.startsWith("sign flipped: ")) {
            return new Diagnosis("the forward rule (jvp) has the wrong sign (" + text.substring(14) + ")", kinds);
        }
        if (text.startsWith("wrong only ")) {
            return new Diagnosis("the forward rule (jvp) is " + text, kinds);
        }
        return new Diagnosis("the forward rule (jvp) is wrong: " + text, kinds);
    }

    /** A finding's words with the analytic side named "jvp". */
    static String relabel(String text) {
        return text.replace("the backward's formula", "the forward rule's formula").replace("analytic gradient", "jvp")
                .replace("numeric derivative", "numeric directional derivative").replace("a non-zero backward",
                        "a non-zero forward rule").replace("the backward", "the forward rule")
                .replace("gradOutput", "tangent").replaceAll("\\banalytic\\b", "jvp");
    }

    /**
     * The forward rule's diagnosis from every tangent's result (over draws, each named
     * {@code jvp/<input>}, {@code jvp/all} or {@code adjoint}), or null when nothing failed: the first
     * failing tangent's finding, with "only for input1's tangent" when the other inputs' tangents
     * pass everywhere, and the adjoint identity's when the tangents all pass.
     */
    public static Diagnosis summary(List<CheckResult> results) {
        return summary(results, Map.of());
    }

    /**
     * As {@link #summary(List)}, with each per-input tangent's evidence over the draws (by result
     * name, from {@link ForwardCheck#checkKeepingEvidence}): when the first failing tangent's finding
     * says only where (one entry, some zeros) or names a region, the region over every draw replaces
     * it, as the backward's op summary does.
     */
    public static Diagnosis summary(List<CheckResult> results, Map<String, List<Evidence>> evidence) {
        CheckResult first = null;
        for (CheckResult r : results) {
            if (!r.passed() && r.name().startsWith(ForwardCheck.PREFIX) && r.diagnosis() != null) {
                first = r;
                break;
            }
        }
        if (first == null) {
            for (CheckResult r : results) {
                if (r.status() == Status.FAIL && r.diagnosis() != null) {
                    return new Diagnosis(where(r) + r.diagnosis(), r.findings());
                }
            }
            return null;
        }
        List<String> kinds = new ArrayList<>(first.findings());
        String input = first.name().equals(ForwardCheck.ALL) ? null : first.name().substring(ForwardCheck.PREFIX.length());
        String said = where(first) + first.diagnosis();
        Diagnosis pooled = pooled(first, evidence.getOrDefault(first.name(), List.of()));
        if (pooled != null) {
            said = pooled.text();
            kinds = new ArrayList<>(pooled.kinds());
        }
        List<String> right = new ArrayList<>();
        boolean othersRight = true;
        boolean singlesRight = true;
        for (CheckResult r : results) {
            boolean single = r.name().startsWith(ForwardCheck.PREFIX) && !r.name().equals(ForwardCheck.ALL);
            if (!single) {
                continue;
            }
            if (!r.name().equals(first.name())) {
                othersRight &= r.passed();
                String other = r.name().substring(ForwardCheck.PREFIX.length());
                if (!right.contains(other)) {
                    right.add(other);
                }
            }
            singlesRight &= r.passed();
        }
        if (input == null && singlesRight && !right.isEmpty()) {
            return new Diagnosis("the forward rule (jvp) is right for each input's tangent alone but wrong with every"
                    + " tangent at once: it is not linear in the tangents (e.g. it uses only one of them); "
                    + said, kinds);
        }
        if (input != null && othersRight && !right.isEmpty()) {
            String others = String.join("'s, ", right) + "'s " + (right.size() == 1 ? "is" : "are") + " right";
            String at = first.draw() > 0 ? where(first) : "";
            if (first.findings().contains(ZERO) && pooled == null) {
                return new Diagnosis("the forward rule ignores " + input + "'s tangent (" + others
                        + ": a product-rule term is missing?): " + at + ZERO_TEXT, kinds);
            }
            return new Diagnosis("the forward rule is wrong only for " + input + "'s tangent (" + others
                    + ": a product-rule term is missing or wrong?): " + said, kinds);
        }
        return new Diagnosis(said, kinds);
    }

    /**
     * "jvp/input0, over all 3 draws: the forward rule (jvp) is wrong only where input0 &gt; 0 (…)": the
     * region of the wrong entries over every draw, when the tangent's own finding says only where or
     * names a region and more than one draw's evidence is known; else null.
     */
    private static Diagnosis pooled(CheckResult first, List<Evidence> pieces) {
        if (pieces.size() < 2 || !Findings.gainsFromMorePoints(first.findings(), Set.of(KIND))) {
            return null;
        }
        Diagnosis across = Findings.acrossPoints(Evidence.pool(pieces));
        if (across == null) {
            return null;
        }
        String input = first.name().substring(ForwardCheck.PREFIX.length());
        return tangent(across, input).prefixed(first.name() + ", over all " + pieces.size() + " draws: ");
    }

    /** "jvp/input1 (draw 1, |x|~10): " — which tangent, and which draw when not the first. */
    private static String where(CheckResult r) {
        String w = r.name();
        if (r.draw() > 0) {
            w += " (draw " + r.draw() + ", |x|~" + Magnitudes.text(r.magnitude()) + ")";
        }
        return w + ": ";
    }
}
