package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link GradChecker} checks an op as {@link CustomOpCheck} checks it unwrapped: at draws from the
 * domain the op declares, with its own single-entry evaluations. (The extension's
 * {@code @GradientTest} goes through the same checker; {@code GradientTestExtensionTest} runs it.)
 */
class OpDeclarationsTest {
    @Test
    void inputsAreDrawnFromTheDeclaredDomain() {
        // sqrt1p's forward throws below -1: a draw over the reals would be an error, not a re-draw
        CheckReport r = GradChecker.defaults().seeds(0, 1, 2).check(new JunitOps.Sqrt1p());
        assertTrue(r.passed(), r::toText);
        assertFalse(r.toText().contains("re-drawn") || r.toText().contains("retried"), r::toText);
    }

    @Test
    void anIntegerInputIsDrawnAsAnIntegerAndNotDifferentiated() {
        CheckReport r = GradChecker.defaults().seeds(0, 1, 2).check(new JunitOps.Lookup());
        assertTrue(r.passed(), r::toText);
        for (CheckResult op : r.checks()) {
            List<CheckResult> index = op.inputs().stream().filter(i -> i.name().equals("input0")).toList();
            assertEquals(CheckOptions.defaults().draws(), index.size(), r::toText);
            for (CheckResult i : index) {
                assertEquals(Status.SKIPPED, i.status(), r::toText);
                assertEquals("input 'input0' takes integer values (integer in [0, 3]): not differentiable (integer domain), never perturbed", i.error());
            }
        }
    }

    @Test
    void theSameDrawsAndFiguresAsCustomOpCheckOnTheOpItself() {
        for (CustomOp op : List.of(new JunitOps.Sqrt1p(), new JunitOps.Lookup())) {
            for (long seed = 0; seed < 3; seed++) {
                CheckResult wrapped = GradChecker.defaults().seed(seed).check(op).checks().get(0);
                CheckResult direct = CustomOpCheck.check(op, CheckOptions.defaults().withThreads(1).withSeed(seed));
                assertEquals(figures(direct), figures(wrapped), op.name() + " at seed " + seed);
            }
        }
    }

    @Test
    void theOpsOwnSingleEntryEvaluationsAreUsed() {
        JunitOps.CountedSumOfSquares op = new JunitOps.CountedSumOfSquares();
        CheckReport r = GradChecker.defaults().check(op);
        assertTrue(r.passed(), r::toText);
        assertTrue(op.evaluations.get() > 0, "the checker used the op's PerturbableFunction evaluators");
    }

    /** Each input result's status and worst entries, with the point's values there. */
    private static List<String> figures(CheckResult r) {
        return r.inputs().stream().map(i -> i.name() + " " + i.status() + " " + i.worst().stream()
                .map(e -> e.analytic() + "/" + e.numeric() + " at " + e.at()).collect(Collectors.joining("; ")))
                .collect(Collectors.toList());
    }
}
