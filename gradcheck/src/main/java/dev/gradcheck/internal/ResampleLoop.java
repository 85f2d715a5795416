package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.KinkPolicy;
import java.util.ArrayList;
import dev.gradcheck.internal.diagnosis.Evidence;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks at a point, and again at nearby points while the first answers are not to be trusted:
 * entries at a kink are moved off it (when the kink policy says resample, up to
 * {@value #MAX_RESAMPLES} times), then entries whose numeric estimate did not settle are re-drawn
 * nearby (up to {@link CheckOptions#redraws()} times, unless something failed). The results of the
 * last point are kept, each noting the moves.
 */
final class ResampleLoop {
    private static final int MAX_RESAMPLES = 3;

    private ResampleLoop() {
    }

    /**
     * @param inputs the caller's arrays, never written: the first move replaces an array of
     *     {@code x} that is still one of them by a copy
     * @param x the point, in the check's precision (its arrays may be the caller's)
     */
    static Checker.Checked run(PointCheck check, double[][] inputs, double[][] x, CheckOptions options) {
        List<InputVerdict.Outcome> out = check.run(x);
        int attempts = 0;
        int redrawn = 0;
        SplittableRandom rng = new SplittableRandom(Seeds.of(options.seed(), "resample", 0));
        while (options.kinkPolicy() == KinkPolicy.RESAMPLE && hasKinks(out) && attempts < MAX_RESAMPLES
                && !options.monitor().stopRequested()) {
            attempts++;
            move(owned(x, inputs), kinks(out), rng, options);
            out = check.run(x);
        }
        // entries whose numeric estimate never settled: re-draw them nearby and measure again
        int unsettled = unconvergedCount(out);
        while (unsettled > 0 && redrawn < options.redraws() && !hasFailures(out)
                && !options.monitor().stopRequested()) {
            redrawn++;
            move(owned(x, inputs), unconverged(out), rng, options);
            out = check.run(x);
            unsettled = unconvergedCount(out);
        }
        List<CheckResult> results = new ArrayList<>(out.size());
        List<Evidence> evidence = new ArrayList<>(out.size());
        for (InputVerdict.Outcome o : out) {
            results.add(o.result());
            evidence.add(o.evidence());
        }
        return new Checker.Checked(attempts == 0 && redrawn == 0 ? results : noted(results, attempts, redrawn),
                evidence);
    }

    /** The results with a note of the moves appended to their diagnosis. */
    private static List<CheckResult> noted(List<CheckResult> results, int attempts, int redrawn) {
        List<CheckResult> noted = new ArrayList<>();
        for (CheckResult r : results) {
            String note = attempts > 0 ? "point resampled " + attempts + " time(s) to move entries off a kink" : null;
            if (redrawn > 0) {
                String again = "point re-drawn nearby " + redrawn + " time(s) because a numeric estimate had not converged";
                note = note == null ? again : note + "; " + again;
            }
            noted.add(r.toBuilder().diagnosis(r.diagnosis() == null ? note : r.diagnosis() + "; " + note).build());
        }
        return noted;
    }

    /** {@code x}, each of its arrays still one of the caller's {@code inputs} replaced by a copy. */
    private static double[][] owned(double[][] x, double[][] inputs) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] == inputs[i]) {
                x[i] = inputs[i].clone();
            }
        }
        return x;
    }

    /** Moves the listed entries by about 1e-3·max(1, |x|), seeded, in either direction. */
    private static void move(double[][] x, List<List<Integer>> which, SplittableRandom rng, CheckOptions options) {
        for (int i = 0; i < x.length; i++) {
            for (int j : which.get(i)) {
                double step = 1e-3 * Math.max(1, Math.abs(x[i][j])) * (0.5 + 0.5 * rng.nextDouble());
                x[i][j] = options.precision().round(x[i][j] + (rng.nextBoolean() ? step : -step));
            }
        }
    }

    private static boolean hasKinks(List<InputVerdict.Outcome> out) {
        return out.stream().anyMatch(o -> !o.kinks().isEmpty());
    }

    private static List<List<Integer>> kinks(List<InputVerdict.Outcome> out) {
        List<List<Integer>> k = new ArrayList<>();
        out.forEach(o -> k.add(o.kinks()));
        return k;
    }

    private static int unconvergedCount(List<InputVerdict.Outcome> out) {
        return out.stream().mapToInt(o -> o.unconverged().size()).sum();
    }

    private static List<List<Integer>> unconverged(List<InputVerdict.Outcome> out) {
        List<List<Integer>> u = new ArrayList<>();
        out.forEach(o -> u.add(o.unconverged()));
        return u;
    }

    /** A failure or error, not counting an input that failed only for having no entry judged (a re-draw may judge it). */
    private static boolean hasFailures(List<InputVerdict.Outcome> out) {
        return out.stream().anyMatch(o -> !o.result().passed() && !o.noneJudged());
    }
}
