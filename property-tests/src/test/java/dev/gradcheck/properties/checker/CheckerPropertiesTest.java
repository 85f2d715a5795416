package dev.gradcheck.properties.checker;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import dev.gradcheck.generators.QuickTheoriesGens;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.quicktheories.core.Gen;

/**
 * Properties of the checker itself (issue #6), over random shapes, values, points and checker
 * seeds: every planted bug of the checker issue is caught in FULL mode with the diagnosis the
 * checker promises; correct ops never fail, relu/abs/maximum at and near their kinks included
 * (status pass or kink); and FAST and FULL agree on pass/fail. All with the checker's defaults.
 */
class CheckerPropertiesTest {
    private static final int PLANTED_EXAMPLES = 100;
    private static final int CORRECT_EXAMPLES = 300;
    private static final int AGREE_EXAMPLES = 200;

    @TestFactory
    Stream<DynamicTest> plantedBugsAreCaughtAndNamed() {
        return Stream.of(PlantedBug.values()).map(bug -> dynamicTest("checker: " + name(bug) + " is caught",
                () -> CheckerPropertyRunner.run(name(bug) + " is caught", bugDraws(bug), PLANTED_EXAMPLES,
                        CheckerPropertiesTest::assertCaught)));
    }

    @TestFactory
    Stream<DynamicTest> correctOpsNeverFail() {
        return Stream.of(
                dynamicTest("checker: correct matmul never fails", () -> CheckerPropertyRunner.run(
                        "correct matmul never fails", bugDraws(null), CORRECT_EXAMPLES,
                        d -> assertNeverFails(d, d.toCase()))),
                dynamicTest("checker: relu, abs, maximum at and near kinks never fail", () -> CheckerPropertyRunner.run(
                        "relu, abs, maximum at and near kinks never fail", kinkDraws(), CORRECT_EXAMPLES,
                        d -> assertNeverFails(d, d.toCase()))));
    }

    @TestFactory
    Stream<DynamicTest> fastAndFullAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(dynamicTest("checker: FAST = FULL on planted bugs and correct matmuls", () -> CheckerPropertyRunner.run(
                "FAST = FULL on planted bugs and correct matmuls", anyBugDraws(), AGREE_EXAMPLES,
                d -> assertAgree(d, d.toCase()))));
        tests.add(dynamicTest("checker: FAST = FULL at and near kinks", () -> CheckerPropertyRunner.run(
                "FAST = FULL at and near kinks", kinkDraws(), AGREE_EXAMPLES, d -> assertAgree(d, d.toCase()))));
        return tests.stream();
    }

    private static String name(PlantedBug bug) {
        return bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private static Gen<BugDraw> bugDraws(PlantedBug bug) {
        return QuickTheoriesGens.fromRandom(rng -> BugDraw.draw(bug, rng)).describedAs(BugDraw::toString);
    }

    /** A planted bug of any kind, or (one time in seven) the correct matmul. */
    private static Gen<BugDraw> anyBugDraws() {
        PlantedBug[] bugs = PlantedBug.values();
        return QuickTheoriesGens.fromRandom(rng -> {
            int i = rng.nextInt(bugs.length + 1);
            return BugDraw.draw(i == bugs.length ? null : bugs[i], rng);
        }).describedAs(BugDraw::toString);
    }

    private static Gen<KinkDraw> kinkDraws() {
        return QuickTheoriesGens.fromRandom(KinkDraw::draw).describedAs(KinkDraw::toString);
    }

    /** FULL mode: the corrupted input fails with the promised diagnosis; the report fails. */
    private static void assertCaught(BugDraw d) {
        CheckReport r = d.toCase().check(Mode.FULL);
        CheckResult c = r.check(d.bug().input());
        if (c.status() != Status.FAIL || r.passed()) {
            throw new AssertionFailedError(d.bug() + " not caught: expected status fail of input '" + d.bug().input()
                    + "', actual " + c.status().label() + "\n" + r.toText(), Status.FAIL, c.status());
        }
        for (String phrase : d.bug().phrases(d)) {
            if (c.diagnosis() == null || !c.diagnosis().contains(phrase)) {
                throw new AssertionFailedError(d.bug() + " caught but not named: expected the diagnosis to contain '"
                        + phrase + "', actual: " + c.diagnosis() + "\n" + r.toText(), phrase, c.diagnosis());
            }
        }
    }

    /** Every input of a correct function passes or sits at a kink, in FULL and in FAST mode. */
    private static void assertNeverFails(Object draw, Case k) {
        for (Mode mode : new Mode[] {Mode.FULL, Mode.FAST}) {
            CheckReport r = k.check(mode);
            for (CheckResult c : r.checks()) {
                if (c.status() != Status.PASS && c.status() != Status.KINK) {
                    throw new AssertionFailedError("correct " + k.label() + " (" + mode + "): expected status pass or "
                            + "kink for input '" + c.name() + "', actual " + c.status().label() + "\n" + r.toText(),
                            "pass or kink", c.status().label());
                }
            }
        }
    }

    /** FAST and FULL give the same verdict. */
    private static void assertAgree(Object draw, Case k) {
        CheckReport full = k.check(Mode.FULL);
        CheckReport fast = k.check(Mode.FAST);
        if (full.passed() != fast.passed()) {
            throw new AssertionFailedError(k.label() + ": FAST and FULL disagree: expected (FULL) passed="
                    + full.passed() + ", actual (FAST) passed=" + fast.passed() + "\n--- FULL ---\n" + full.toText()
                    + "\n--- FAST ---\n" + fast.toText(), full.passed(), fast.passed());
        }
    }
}
