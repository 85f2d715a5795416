package dev.gradcheck.cli.ops;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Status;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.internal.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks one registered op: several draws from its {@code SampleGenerator} (seeded, at the given
 * magnitudes), each through the checker's engine-function adapter with respect to the op's real
 * (differentiable) inputs, constant and index inputs held fixed. A draw whose forward is not
 * finite is skipped, with the reason; an op that throws is an {@code error}, and checking goes on.
 */
public final class RegistryOpCheck {
    private RegistryOpCheck() {
    }

    /**
     * The op-level result, named by the registry name, with one nested result per draw and input
     * (named {@code draw<k>/<input>}).
     *
     * @param draws draws per magnitude
     * @param magnitudes typical |value| of the real inputs, e.g. 1, 10, 100
     */
    public static CheckResult check(OpDef op, CheckOptions options, int draws, double[] magnitudes) {
        List<CheckResult> inputs = new ArrayList<>();
        int k = 0;
        int total = draws * magnitudes.length;
        for (double magnitude : magnitudes) {
            for (int d = 0; d < draws; d++, k++) {
                if (options.monitor().stopRequested()) {
                    // --timeout or Ctrl-C: the draws checked so far are the result, the rest say so
                    inputs.add(CheckResult.builder(k == total - 1 ? "draw" + k : "draw" + k + "-" + (total - 1))
                            .status(Status.SKIPPED).seed(options.seed()).error("not checked: the check was stopped "
                                    + "before " + (k == total - 1 ? "this draw" : "these " + (total - k) + " draws"), null)
                            .build());
                    return CustomOpCheck.summarise(op.name(), inputs, options);
                }
                long seed = options.seed() + k;
                inputs.addAll(draw(op, options.withSeed(seed), seed, "draw" + k, magnitude));
            }
        }
        return CustomOpCheck.summarise(op.name(), inputs, options);
    }

    @SuppressWarnings("try") // the no-grad scope is used for its effect, not referenced
    private static List<CheckResult> draw(OpDef op, CheckOptions options, long seed, String label, double magnitude) {
        Sample sample;
        try {
            sample = op.samples().draw(new SplittableRandom(Seeds.of(seed, op.name(), 0)), magnitude);
        } catch (RuntimeException e) {
            return List.of(failed(label, Status.ERROR, "the op's sample generator threw " + e, e, seed));
        }
        Tensor[] args = sample.inputs();
        List<Integer> real = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (op.input(i).differentiable(args[i].dtype())) {
                real.add(i);
            }
        }
        if (real.isEmpty() || op.outputType() != DType.FLOAT64) {
            return List.of(failed(label, Status.SKIPPED, "no differentiable input or output (" + sample + ")", null, seed));
        }
        Function<Tensor[], Tensor> fn = xs -> {
            Tensor[] all = args.clone();
            for (int j = 0; j < xs.length; j++) {
                all[real.get(j)] = xs[j];
            }
            return Ops.apply(op, sample.attrs(), all);
        };
        Tensor[] point = real.stream().map(i -> args[i]).toArray(Tensor[]::new);
        String[] names = real.stream().map(i -> label + "/" + op.input(i).name()).toArray(String[]::new);
        try (GradMode.Scope s = GradMode.disabled()) {
            double[] y = fn.apply(point).data();
            for (double v : y) {
                if (!Double.isFinite(v)) {
                    return List.of(failed(label, Status.SKIPPED, "forward not finite at magnitude " + magnitude
                            + " (" + sample + ")", null, seed));
                }
            }
        } catch (RuntimeException e) {
            return List.of(failed(label, Status.ERROR, "forward threw " + e + " (" + sample + ")", e, seed));
        }
        return GradCheck.of(fn).at(point).names(names).options(options).check().checks();
    }

    private static CheckResult failed(String name, Status status, String why, Throwable cause, long seed) {
        return CheckResult.builder(name).status(status).error(why, cause).seed(seed).build();
    }
}
