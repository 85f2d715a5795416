package dev.gradcheck.internal;

import dev.gradcheck.CheckMonitor;
import dev.gradcheck.CheckOptions;
import dev.gradcheck.EntryResult;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FULL and SAMPLED mode for one input: its entries (all, or a seeded sample) judged one by one on
 * the checker's threads, with the input's Taylor slope measured beside them when the options ask
 * for it. Each entry is one job of a {@link Parallel.Batch}, judged by the {@link EntryJudge} and
 * reported to the options' {@link CheckMonitor}; once the monitor asks to stop, the entries not yet
 * started are left out.
 */
final class EntrySweep {
    /** The entries judged, in flat order, and the Taylor slope (NaN when not measured). */
    record Swept(List<EntryResult> entries, double taylorSlope) {
    }

    private final CheckOptions o;
    private final CheckedInputs inputs;
    private final MutationGuard guard;
    private final Point point;
    private final EntryJudge judge;

    EntrySweep(CheckOptions o, CheckedInputs inputs, MutationGuard guard, Point point, EntryJudge judge) {
        this.o = o;
        this.inputs = inputs;
        this.guard = guard;
        this.point = point;
        this.judge = judge;
    }

    /** Every entry of input i. */
    Swept all(int i) {
        return sweep(i, null);
    }

    /** A seeded sample of {@link CheckOptions#samples()} entries of input i, in flat order. */
    Swept sampled(int i) {
        return sweep(i, sample(i, point.x()[i].length));
    }

    private Swept sweep(int i, int[] subset) {
        double[][] x = point.x();
        double[] gi = point.gradients()[i];
        int n = subset == null ? x[i].length : subset.length;
        Parallel.Batch<double[][]> batch = new Parallel.Batch<>(o.threads(), () -> guard.scratchFor(x, i));
        CheckMonitor monitor = o.monitor();
        String name = inputs.name(i);
        AtomicLong done = new AtomicLong();
        Parallel.Value<Double> taylor = o.taylor()
                ? batch.addValue(work -> monitor.stopRequested() ? Double.NaN : taylorSlope(i)) : null;
        Parallel.Values<EntryResult> entries = batch.addEach(n, (work, k) -> {
            if (monitor.stopRequested()) {
                return null; // stopped early: this entry is left out of the result
            }
            int j = subset == null ? k : subset[k];
            EntryResult e = judge.judge(i, j, work, gi[j]);
            monitor.progress(name, done.incrementAndGet(), n);
            return e;
        });
        batch.run();
        List<EntryResult> judged = entries.list();
        if (done.get() < n) {
            judged = judged.stream().filter(Objects::nonNull).toList();
        }
        return new Swept(judged, taylor == null ? Double.NaN : taylor.get());
    }

    /** The Taylor slope of input i (NaN when the forward throws along its direction: the entries decide). */
    double taylorSlope(int i) {
        try {
            return TaylorRemainder.slope(o, point, guard, i, inputs.seed(i));
        } catch (UserCodeException e) {
            return Double.NaN;
        }
    }

    private int[] sample(int i, int n) {
        int k = Math.min(o.samples(), n);
        SplittableRandom rng = new SplittableRandom(Seeds.mix64(inputs.seed(i) + 7));
        // partial Fisher–Yates over offsets, then sorted for a fixed order
        int[] perm = new int[n];
        for (int j = 0; j < n; j++) {
            perm[j] = j;
        }
        for (int j = 0; j < k; j++) {
            int r = j + rng.nextInt(n - j);
            int t = perm[j];
            perm[j] = perm[r];
            perm[r] = t;
        }
        int[] picked = Arrays.copyOf(perm, k);
        Arrays.sort(picked);
        return picked;
    }
}
