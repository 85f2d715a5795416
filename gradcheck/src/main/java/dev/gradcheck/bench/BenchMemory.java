package dev.gradcheck.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The heap a bench run needs, estimated before it starts, so that an MLP too large for the JVM
 * is refused up front instead of running out of memory part-way: per MLP and case, its
 * parameters and its activations (the input, the targets and every layer's outputs over the
 * batch) times the copies of each that the case holds at once, 8 bytes an element.
 *
 * <p>The copies were measured with {@code bench} under the serial collector (the launcher's),
 * by the smallest {@code -Xmx} each case ran at, on a parameter-heavy MLP (2048-2048-2048-2048-10
 * at batch 64: 12.6M parameters) and an activation-heavy one (16-16-10 at batch 200,000: 11.8M
 * activations), and rounded up: a forward and backward pass (plain or in anomaly mode) ran in at
 * most 2.5 copies of the parameters and 2.4 of the activations; a check in 9.8 and 3.4, and with
 * two checker threads in 5.4 of the activations.
 *
 * <pre>{@code
 * BenchMemory.largest(options).filter(n -> n.bytes() > Runtime.getRuntime().maxMemory())
 *         .ifPresent(n -> System.err.println(n.mlp().label() + " needs about " + (n.bytes() >> 20) + " MB"));
 * }</pre>
 */
public final class BenchMemory {
    /** Copies of the parameters a forward and backward pass holds: values, gradients, temporaries. */
    static final double PASS_PARAM_COPIES = 3;
    /** Copies of the activations a forward and backward pass holds. */
    static final double PASS_ACTIVATION_COPIES = 2.5;
    /** Copies of the parameters a gradient check holds: the model's values, the point, the analytic gradient, probes. */
    static final double CHECK_PARAM_COPIES = 11;
    /** Copies of the activations a one-thread check holds. */
    static final double CHECK_ACTIVATION_COPIES = 3.5;
    /** Copies of the activations each further checker thread adds. */
    static final double CHECK_ACTIVATION_COPIES_PER_THREAD = 2;

    private BenchMemory() {
    }

    /**
     * What one MLP's run needs.
     *
     * @param mlp the MLP
     * @param bench the case that needs the most ({@code fwd_bwd}, {@code anomaly_fwd_bwd},
     *     {@code check_fast}, {@code check_full})
     * @param params its parameters
     * @param activations its input, targets and layer outputs over the batch
     * @param bytes the heap the case needs, estimated
     */
    public record Need(MlpSpec mlp, String bench, long params, long activations, long bytes) {
    }

    /** Per MLP of {@code options}, the most its selected cases need (none for a run of matmul alone). */
    public static List<Need> needs(BenchOptions options) {
        List<Need> out = new ArrayList<>();
        for (MlpSpec mlp : options.mlps()) {
            need(mlp, options).ifPresent(out::add);
        }
        return out;
    }

    /** The MLP of {@code options} that needs the most heap, if any MLP runs. */
    public static Optional<Need> largest(BenchOptions options) {
        return needs(options).stream().max(Comparator.comparingLong(Need::bytes));
    }

    private static Optional<Need> need(MlpSpec mlp, BenchOptions o) {
        long params = mlp.params();
        long activations = activations(mlp);
        Need best = null;
        if (o.cases().contains(BenchOptions.Case.FWD_BWD) || o.cases().contains(BenchOptions.Case.ANOMALY)) {
            String bench = o.cases().contains(BenchOptions.Case.ANOMALY) ? "anomaly_fwd_bwd" : "fwd_bwd";
            best = new Need(mlp, bench, params, activations,
                    bytes(PASS_PARAM_COPIES * params + PASS_ACTIVATION_COPIES * activations));
        }
        boolean fast = o.cases().contains(BenchOptions.Case.CHECK_FAST);
        boolean full = o.cases().contains(BenchOptions.Case.CHECK_FULL) && params <= o.maxFullParams();
        if (fast || full) {
            int threads = java.util.Arrays.stream(o.checkThreads()).max().orElse(1);
            long b = bytes(CHECK_PARAM_COPIES * params
                    + (CHECK_ACTIVATION_COPIES + CHECK_ACTIVATION_COPIES_PER_THREAD * (threads - 1)) * activations);
            if (best == null || b > best.bytes()) {
                best = new Need(mlp, fast ? "check_fast" : "check_full", params, activations, b);
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The MLP's activations as its model file counts them ({@link MlpSpec#modelJson()}: the
     * loader's elements besides the parameters): the input and the targets, per layer its
     * output over the batch (and its tanh, but for the last), and the loss.
     */
    static long activations(MlpSpec mlp) {
        int[] sizes = mlp.sizes();
        long batch = mlp.batch();
        long n = batch * sizes[0] + batch + 1;
        for (int i = 1; i < sizes.length; i++) {
            n += batch * sizes[i] * (i + 1 < sizes.length ? 2 : 1);
        }
        return n;
    }

    private static long bytes(double elements) {
        double b = Math.ceil(elements * Double.BYTES);
        return b >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) b;
    }
}
