package dev.gradcheck;

import dev.gradcheck.internal.Magnitudes;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.internal.diagnosis.Evidence;
import dev.gradcheck.internal.diagnosis.Findings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An op's diagnosis from its inputs' and draws' results: the first failing result that names a
 * cause (the worst status first), prefixed by where it was found; the draws where the same finding
 * holds; whether the input is wrong only at some magnitudes; and "only input 'input1' is wrong" when
 * every other input passes at every draw.
 */
final class OpSummary {
    private OpSummary() {
    }

    /** {@code b} with the op's diagnosis and findings (left unset when no nested result has a diagnosis). */
    static CheckResult.Builder apply(CheckResult.Builder b, List<CheckResult> nested, Status worst,
            Map<String, List<Evidence>> evidence) {
        // the worst status first; among those, a finding that names a cause before a vague one (a
        // region or block alone, a factor that varies with no relation), and that before one that
        // only says where (one entry, some zeros): another draw may explain what one draw could not
        CheckResult primary = null;
        for (int pass = 0; pass < 4 && primary == null; pass++) {
            for (CheckResult r : nested) {
                boolean status = pass < 3 ? r.status() == worst : !r.passed();
                boolean strongEnough = pass == 0 ? namesCause(r) : pass == 1 ? strong(r) : true;
                if (status && r.diagnosis() != null && strongEnough) {
                    primary = r;
                    break;
                }
            }
        }
        if (primary == null || !primary.passed() && !namesCause(primary)) {
            CheckResult.Builder complement = complementAcrossDraws(b, nested, evidence);
            if (complement != null) {
                return complement;
            }
        }
        if (primary == null) {
            CheckResult.Builder region = regionAcrossDraws(b, nested, evidence);
            return region != null ? region : onlyInputAlone(b, nested);
        }
        List<String> kinds = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        if (primary.passed()) {
            // a note (a kink, a re-draw), not a cause
            return b.diagnosis(who(primary) + ": " + primary.diagnosis()).findings(primary.findings());
        }
        String only = onlyInput(nested, primary.name());
        if (only != null) {
            text.append(only).append("; ");
            kinds.add(Findings.ONLY_INPUT);
        }
        // over every draw, a region has more entries, and the right ones at the other magnitudes: it
        // replaces what one draw said about where (a region, one entry, some zeros), not a formula
        List<Evidence> pieces = evidence.getOrDefault(primary.name(), List.of());
        boolean where = Findings.gainsFromMorePoints(primary.findings(), Set.of());
        Diagnosis pooled = where && pieces.size() > 1 ? Findings.acrossPoints(Evidence.pool(pieces))
                : primary.findings().contains(Findings.SLICE) ? Findings.acrossPointsWithinDraws(pieces) : null;
        if (pooled != null) {
            // a region over every draw: more entries, and the right ones at the other magnitudes too
            text.append("input '").append(primary.name()).append("', over all ").append(pieces.size())
                    .append(" draws: ").append(pooled.text());
            kinds.addAll(pooled.kinds());
            return b.diagnosis(text.toString()).findings(kinds);
        }
        Diagnosis zeroHere = primary.findings().equals(List.of(Findings.NOT_CONNECTED))
                ? Findings.zeroHereOnly(pieces) : null;
        text.append(who(primary)).append(": ").append(zeroHere != null ? zeroHere.text() : primary.diagnosis());
        kinds.addAll(zeroHere != null ? zeroHere.kinds() : primary.findings());
        text.append(elsewhere(nested, primary));
        return b.diagnosis(text.toString()).findings(kinds);
    }

    /**
     * No draw has a diagnosis, but over a failing input's draws pooled the wrong entries fill a
     * region (too few entries at one draw to tell it from chance; the passing draws' entries are
     * the right ones), some draw holding both: that region, with what the analytic value is there;
     * null otherwise.
     */
    private static CheckResult.Builder regionAcrossDraws(CheckResult.Builder b, List<CheckResult> nested,
            Map<String, List<Evidence>> evidence) {
        return acrossDrawsOf(b, nested, evidence, Findings::acrossPointsWithinDraws);
    }

    /**
     * No draw names a cause, but a failing input's draws compared with each other do: for a function
     * of one output value, analytic + numeric the same at every draw (a complement); null otherwise.
     */
    private static CheckResult.Builder complementAcrossDraws(CheckResult.Builder b, List<CheckResult> nested,
            Map<String, List<Evidence>> evidence) {
        return acrossDrawsOf(b, nested, evidence, Findings::acrossDraws);
    }

    /** The first failing input whose draws {@code across} diagnoses, worded "input 'x', over all n draws: ..."; or null. */
    private static CheckResult.Builder acrossDrawsOf(CheckResult.Builder b, List<CheckResult> nested,
            Map<String, List<Evidence>> evidence, java.util.function.Function<List<Evidence>, Diagnosis> across) {
        Set<String> failing = new LinkedHashSet<>();
        for (CheckResult r : nested) {
            if (r.status() == Status.FAIL && !r.name().startsWith("draw ")) {
                failing.add(r.name());
            }
        }
        for (String input : failing) {
            List<Evidence> pieces = evidence.getOrDefault(input, List.of());
            Diagnosis d = across.apply(pieces);
            if (d != null) {
                String only = onlyInput(nested, input);
                List<String> kinds = new ArrayList<>();
                if (only != null) {
                    kinds.add(Findings.ONLY_INPUT);
                }
                kinds.addAll(d.kinds());
                return b.diagnosis((only != null ? only + "; " : "") + "input '" + input + "', over all " + pieces.size()
                        + " draws: " + d.text()).findings(kinds);
            }
        }
        return null;
    }

    /**
     * No input's result names a cause, but one input fails while the others pass at every draw:
     * that alone says where (e.g. the first layer's weights of a network), so it is the diagnosis.
     */
    private static CheckResult.Builder onlyInputAlone(CheckResult.Builder b, List<CheckResult> nested) {
        for (CheckResult r : nested) {
            if (r.status() == Status.FAIL && !r.name().startsWith("draw ")) {
                String only = onlyInput(nested, r.name());
                return only == null ? b : b.diagnosis(only).findings(List.of(Findings.ONLY_INPUT));
            }
        }
        return b;
    }

    private static boolean strong(CheckResult r) {
        return r.findings().stream().anyMatch(k -> !Findings.WHERE_ONLY.contains(k));
    }

    private static boolean namesCause(CheckResult r) {
        // a pattern found where the numeric derivative is zero throughout fits several causes
        return !r.findings().contains(Findings.FLAT_POINT) && r.findings().stream().anyMatch(k -> !Findings.WHERE_ONLY.contains(k) && !Findings.VAGUE.contains(k));
    }

    /** "input 'input0'", with the draw when it is not the first. */
    static String who(CheckResult r) {
        if (r.name().startsWith("draw ")) {
            return r.name();
        }
        String who = "input '" + r.name() + "'";
        if (r.draw() > 0) {
            who += " (draw " + r.draw() + ", |x|~" + r.magnitude() + ")";
        }
        return who;
    }

    /** "only input 'input1' is wrong (…)" when the other inputs were judged and pass everywhere, else null. */
    private static String onlyInput(List<CheckResult> nested, String failing) {
        Set<String> inputs = new LinkedHashSet<>();
        Set<String> judged = new LinkedHashSet<>();
        boolean draws = false;
        for (CheckResult r : nested) {
            if (r.name().startsWith("draw ")) {
                continue;
            }
            inputs.add(r.name());
            draws |= r.draw() >= 0;
            if (!r.name().equals(failing)) {
                if (!r.passed()) {
                    return null;
                }
                if (r.status() != Status.SKIPPED) {
                    judged.add(r.name());
                }
            }
        }
        if (inputs.size() < 2 || judged.isEmpty()) {
            return null;
        }
        inputs.remove(failing);
        return "only input '" + failing + "' is wrong (" + String.join(", ", inputs) + (inputs.size() == 1 ? " passes"
                : " pass") + (draws ? " at every draw" : "") + ")";
    }

    /** Where else the input's results agree: the same finding at other draws, or passes at some. */
    private static String elsewhere(List<CheckResult> nested, CheckResult primary) {
        if (primary.draw() < 0) {
            return "";
        }
        List<String> same = new ArrayList<>();
        List<String> passing = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        for (CheckResult r : nested) {
            if (r == primary || !r.name().equals(primary.name())) {
                continue;
            }
            if (r.passed()) {
                passing.add(magnitude(r));
            } else {
                failing.add(magnitude(r));
                if (!primary.findings().isEmpty() && r.findings().equals(primary.findings())) {
                    same.add(Integer.toString(r.draw()));
                }
            }
        }
        String s = "";
        if (!same.isEmpty()) {
            s += "; the same at draw" + (same.size() == 1 ? " " : "s ") + String.join(", ", same);
        }
        if (!passing.isEmpty()) {
            failing.add(0, magnitude(primary));
            s += "; wrong at |x|~" + String.join(", ", failing) + ", right at |x|~" + String.join(", ", passing);
        }
        return s;
    }

    private static String magnitude(CheckResult r) {
        return Magnitudes.text(r.magnitude());
    }
}
