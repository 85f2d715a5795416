package dev.gradcheck;

import java.util.List;
import java.util.Locale;

/**
 * Issue #9's planted bugs through CustomOpCheck (the path of `gradcheck ops --jar` and the JUnit
 * extension): defaults (3 draws at |x| ~ 1, 10, 100), one draw only, and PyTorch's tolerance.
 * Compile against gradcheck's test classes; see docs/sensitivity.md.
 */
public class SensitivityTable {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        // warm up the JIT so the times are a steady state, as in a test suite
        for (int i = 0; i < 3; i++) {
            CustomOpCheck.run(SensitivityOps.plantedBugs(), CheckOptions.defaults().withSeed(100 + i));
        }
        String[] labels = {"defaults (3 draws)", "defaults, 1 draw", "pytorch tolerance, 1 draw"};
        CheckOptions[] opts = {CheckOptions.defaults(), CheckOptions.defaults().withDraws(1),
                CheckOptions.defaults().withDraws(1).withTolerance(Tolerance.pytorch())};
        System.out.printf(Locale.ROOT, "%-32s", "bug");
        for (String l : labels) {
            System.out.printf(Locale.ROOT, " | %-26s", l);
        }
        System.out.println();
        for (CustomOp op : SensitivityOps.plantedBugs()) {
            System.out.printf(Locale.ROOT, "%-32s", op.name());
            for (CheckOptions o : opts) {
                int caught = 0;
                boolean first = false;
                long t = 0;
                for (int seed = 0; seed < n; seed++) {
                    long t0 = System.nanoTime();
                    boolean c = !CustomOpCheck.run(List.of(op), o.withSeed(seed)).passed();
                    t += System.nanoTime() - t0;
                    caught += c ? 1 : 0;
                    first |= seed == 0 && c;
                }
                System.out.printf(Locale.ROOT, " | %-6s %2d/%-2d %6.1f ms", first ? "caught" : "missed", caught, n,
                        t / 1e6 / n);
            }
            System.out.println();
        }
    }
}
