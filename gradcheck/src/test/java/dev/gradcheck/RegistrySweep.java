package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Test support: one registered op checked at its own {@code SampleGenerator}'s draws, seeds
 * 0..n-1 cycling magnitudes 1, 10 and 100, asserting no false alarm: no failure, no diagnosis
 * naming a cause (a kink or re-draw note names none), and skipped entries (estimates that never
 * converged) rare.
 */
public final class RegistrySweep {
    private static final double[] MAGNITUDES = {1, 10, 100};

    private RegistrySweep() {
    }

    /**
     * @param how the check to run on the op's engine function at a draw (its non-differentiable
     *     inputs already constants, one thread), e.g. {@code GradCheck::check}
     * @param maxSkippedShare skipped entries allowed, as a share of all (at least 2 are)
     */
    public static void assertNoFalseAlarm(String name, int seeds, double maxSkippedShare,
            Function<GradCheck, CheckReport> how) {
        OpDef op = OpRegistry.get(name);
        List<String> alarms = new ArrayList<>();
        long entries = 0;
        long skipped = 0;
        for (int seed = 0; seed < seeds; seed++) {
            double mag = MAGNITUDES[seed % MAGNITUDES.length];
            Sample s = op.samples().draw(new SplittableRandom(seed), mag);
            Function<Tensor[], Tensor> f = xs -> Ops.apply(op, s.attrs(), xs);
            int[] constants = IntStream.range(0, s.inputs().length).filter(i -> !op.input(i).differentiable(s.inputs()[i].dtype())).toArray();
            if (constants.length == s.inputs().length) {
                continue;
            }
            CheckReport r = how.apply(GradCheck.of(f).at(s.inputs()).constants(constants).seed(seed).threads(1));
            for (CheckResult c : r.checks()) {
                entries += c.entriesChecked();
                skipped += c.entriesSkipped();
            }
            boolean named = r.checks().stream().anyMatch(c -> !c.findings().isEmpty());
            if (!r.passed() || named) {
                alarms.add("seed " + seed + ", magnitude " + mag + ", sample " + s + ":\n" + r.toText());
            }
        }
        long all = entries + skipped;
        long k = skipped;
        assertTrue(k <= Math.max(2, all * maxSkippedShare), () -> name + ": " + k + " of " + all + " entries skipped");
        assertTrue(alarms.isEmpty(), () -> name + ": " + alarms.size() + " false alarm(s) with default options:\n"
                + String.join("\n", alarms));
    }
}
