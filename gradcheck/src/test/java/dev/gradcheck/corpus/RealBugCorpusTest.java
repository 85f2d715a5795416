package dev.gradcheck.corpus;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real gradient bugs from public projects ({@link RealBugs}, {@link RealBugsSecondSet}), each
 * checked with CustomOpCheck's defaults (three draws at |x| ~ 1, 10, 100) at three seeds: the bug
 * is caught at every seed, its fix passes at every seed, and the op's findings name the right cause
 * at every seed (for the bugs whose causes are listed; the others no finding names yet).
 */
class RealBugCorpusTest {
    private static final long[] SEEDS = {0, 1, 2};

    static CheckResult check(dev.gradcheck.CustomOp op, long seed) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withThreads(1));
    }

    /** True when the findings (or, for "error", the error message) contain one of the bug's causes in full. */
    static boolean named(RealBug bug, CheckResult r) {
        for (Set<String> cause : bug.causes()) {
            boolean all = true;
            for (String k : cause) {
                all &= k.equals("error") ? r.status() == Status.ERROR && r.error() != null
                        && r.error().contains("backward returned a gradient of") : r.findings().contains(k);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    @TestFactory
    Stream<DynamicTest> everyBugIsCaughtAndNamedAndEveryFixPasses() {
        return all().stream().map(bug -> dynamicTest(bug.id(), () -> {
            for (long seed : SEEDS) {
                CheckResult buggy = check(bug.buggy(), seed);
                assertTrue(!buggy.passed(), () -> bug.id() + " (" + bug.source() + ") not caught at seed " + seed
                        + ":\n" + buggy);
                assertTrue(bug.causes().isEmpty() || named(bug, buggy), () -> bug.id() + " (" + bug.source() + ") at seed " + seed
                        + ": expected a finding among " + bug.causes() + ", got " + buggy.findings() + ": "
                        + buggy.diagnosis() + (buggy.error() != null ? " / " + buggy.error() : ""));
                CheckResult fixed = check(bug.fixed(), seed);
                assertTrue(fixed.passed(), () -> bug.id() + " fixed fails at seed " + seed + ":\n" + fixed);
            }
        }));
    }

    /** Both sets: the first, and the second gathered apart from the diagnoser. */
    static List<RealBug> all() {
        List<RealBug> all = new ArrayList<>(RealBugs.all());
        all.addAll(RealBugsSecondSet.all());
        return all;
    }

    /** The corpus's size and the share named, printed for the record. */
    @Test
    void shareNamed() {
        List<String> lines = new ArrayList<>();
        int named = 0;
        List<RealBug> all = all();
        for (RealBug bug : all) {
            CheckResult r = check(bug.buggy(), 0);
            boolean ok = named(bug, r);
            named += ok ? 1 : 0;
            lines.add(String.format(Locale.ROOT, "%-36s %-7s %s", bug.id(), ok ? "named" : "MISSED", r.findings()));
        }
        System.out.println("real-bug corpus: " + named + " of " + all.size() + " named at seed 0\n"
                + String.join("\n", lines));
        assertTrue(all.size() >= 38, "at least 38 real bugs");
    }
}
