package dev.gradcheck.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckMonitor;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Gradient flow over a short training run: the flow analysis of {@link Flow#run} before the first
 * step and after each of {@code steps} plain SGD steps ({@code p -= lr * grad} on every param, at
 * {@link FlowOptions#lr()}). A finding that appears only after training began (a ReLU layer that
 * dies at step 7, a gradient that starts to explode) is flagged with the step it appeared at.
 * Only the initial values are judged for their init's scale. A run that diverges (its params or
 * its loss grow by orders of magnitude, see {@link Divergence}) gets one {@code diverged} flag at
 * the step it happened, and no learning-rate advice from the update:data ratios after it.
 * The model's values are never changed: training runs on copies.
 *
 * <pre>{@code
 * FlowHistory h = FlowHistory.train(model, values, model.paramNames(), FlowOptions.defaults().withLr(0.1), 20);
 * h.newFlags().forEach(f -> System.out.println(f.line()));   // FLAG dead_relu a: at step 7: ...
 * }</pre>
 */
public final class FlowHistory {
    private final List<FlowReport> steps;
    private final double lr;
    private final int asked;
    private final boolean stopped;
    private final double elapsedMs;

    private FlowHistory(List<FlowReport> steps, double lr, int asked, boolean stopped, long startNanos) {
        this.steps = List.copyOf(steps);
        this.lr = lr;
        this.asked = asked;
        this.stopped = stopped;
        this.elapsedMs = (System.nanoTime() - startNanos) / 1e6;
    }

    /**
     * Analyses {@code model} at {@code values}, then trains it for {@code steps} plain SGD steps,
     * analysing it after each. Training stops early when the loss is no longer finite.
     *
     * @param wrt the params and float64 inputs given per-tensor statistics (as {@link Flow#run})
     * @throws IllegalArgumentException without a learning rate in {@code options}, or with fewer than 1 step
     */
    public static FlowHistory train(Model model, Map<String, Tensor> values, Collection<String> wrt,
            FlowOptions options, int steps) {
        return train(model, values, wrt, options, steps, CheckMonitor.NONE);
    }

    /**
     * As {@link #train(Model, Map, Collection, FlowOptions, int)}, stopped early when
     * {@code monitor} asks (a deadline, Ctrl-C; asked before every step after the first analysis):
     * then the steps analysed so far are the history, and {@link #stopped()} is true. Each step
     * trained and analysed is reported to the monitor as progress of {@code "training"}
     * ({@code step} of {@code steps}).
     */
    public static FlowHistory train(Model model, Map<String, Tensor> values, Collection<String> wrt,
            FlowOptions options, int steps, CheckMonitor monitor) {
        if (!options.hasLr()) {
            throw new IllegalArgumentException("training for the flow needs a learning rate (plain SGD)");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be 1 or more, got " + steps);
        }
        long t0 = System.nanoTime();
        Map<String, Tensor> current = new LinkedHashMap<>(values);
        List<String> params = model.paramNames();
        Map<String, String> layerOf = Layers.firstUsers(model);
        InitReach reach = InitReach.of(model);
        List<FlowReport> reports = new ArrayList<>();
        Divergence divergence = null;
        boolean diverged = false;
        Map<String, Double> initialNorms = new LinkedHashMap<>();
        for (String p : params) {
            initialNorms.put(p, TensorStats.norm(current.get(p).data()));
        }
        for (int step = 0; step <= steps; step++) {
            FlowReport r = step == 0 ? Flow.run(model, current, wrt, options)
                    : Flow.run(model, current, wrt, options,
                            TrainingStage.trained(reports.get(0).offScaleAtInit(), diverged, initialNorms));
            if (step == 0) {
                divergence = new Divergence(only(current, params), r.loss(), options.lr());
            } else if (!diverged) {
                Set<String> offScale = reports.get(0).offScaleAtInit();
                Map<String, String> stillOff = new LinkedHashMap<>();
                for (String p : offScale) {
                    if (current.containsKey(p) && InitScale.offScale(current.get(p))) {
                        stillOff.put(p, layerOf.getOrDefault(p, p));
                    }
                }
                Flag f = divergence.at(step, only(current, params), r.loss(), layerOf, model.output(), offScale,
                        new InitCauses(stillOff, reach, false));
                if (f != null) {
                    // the step that diverged gives no learning-rate advice either: analysed again as diverged
                    r = Flow.run(model, current, wrt, options, TrainingStage.trained(offScale, true, initialNorms))
                            .withFirstFlag(f);
                    diverged = true;
                }
            }
            reports.add(r);
            if (step > 0) {
                monitor.progress("training", step, steps); // a step trained and analysed
            }
            if (step == steps || !Double.isFinite(r.loss()) || params.isEmpty()) {
                break;
            }
            if (monitor.stopRequested()) {
                return new FlowHistory(reports, options.lr(), steps, true, t0);
            }
            Map<String, Tensor> grads = model.gradients(current, params);
            Map<String, Tensor> next = new LinkedHashMap<>(current);
            for (String p : params) {
                double[] w = current.get(p).data(); // a copy: the caller's tensors never move
                Tensor g = grads.get(p);
                if (g != null) {
                    double[] gd = g.data();
                    for (int k = 0; k < w.length; k++) {
                        w[k] -= options.lr() * gd[k];
                    }
                }
                next.put(p, Tensor.of(w, current.get(p).shape()));
            }
            current = next;
        }
        return new FlowHistory(reports, options.lr(), steps, false, t0);
    }

    private static Map<String, Tensor> only(Map<String, Tensor> values, List<String> names) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, values.get(n));
        }
        return out;
    }

    /** The analyses, step 0 (before training) first. */
    public List<FlowReport> steps() {
        return steps;
    }

    /** The analysis before training. */
    public FlowReport first() {
        return steps.get(0);
    }

    /** The number of training steps taken (fewer than asked when the loss stopped being finite). */
    public int trained() {
        return steps.size() - 1;
    }

    /** The time of the whole run in milliseconds: every analysis and every training step. */
    public double elapsedMs() {
        return elapsedMs;
    }

    /** The training steps asked for. */
    public int asked() {
        return asked;
    }

    /** True when the monitor stopped the run before the steps asked for were taken. */
    public boolean stopped() {
        return stopped;
    }

    /** The learning rate of the SGD steps. */
    public double lr() {
        return lr;
    }

    /**
     * The findings that appeared after training began: for each kind and place first flagged at
     * step k > 0, that flag with {@code "at step k: "} before its detail, in step order.
     */
    public List<Flag> newFlags() {
        return flagsByStep().stream().filter(f -> f.step() > 0).map(StepFlag::flag).toList();
    }

    /**
     * Every finding of the run with the step it appeared at: the initial values' flags (step 0),
     * then those of {@link #newFlags()}, in step order.
     */
    public List<StepFlag> flagsByStep() {
        return firstAppearances().stream().map(f -> f.step() == 0 ? f : new StepFlag(f.step(), atStep(f))).toList();
    }

    /** Each finding's first appearance, as its step's report has it (without "at step k: "). */
    private List<StepFlag> firstAppearances() {
        Set<String> seen = new HashSet<>();
        List<StepFlag> out = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            for (Flag f : steps.get(s).flags()) {
                if (seen.add(f.kind() + " " + f.place()) || s == 0) {
                    out.add(new StepFlag(s, f));
                }
            }
        }
        return out;
    }

    private static Flag atStep(StepFlag f) {
        Flag flag = f.flag();
        return new Flag(flag.kind(), flag.place(), "at step " + f.step() + ": " + flag.detail());
    }

    /** True when no step flagged anything. */
    public boolean healthy() {
        return steps.stream().allMatch(FlowReport::healthy);
    }

    /**
     * The first step's report (its tables and flags), then a line per step (loss, the smallest
     * and the largest layer gradient norm, the loss's own left out, the number of flags), the flags
     * that appeared during training, and a summary line.
     */
    public String toText() {
        String first = first().toText();
        // the tables only: every step's flags and the summary come at the end
        int flags = first.indexOf("\nFLAG ");
        first = first.substring(0, flags >= 0 ? flags + 1 : first.lastIndexOf("flow: "));
        StringBuilder sb = new StringBuilder(first);
        sb.append(String.format(Locale.ROOT, "training: %d plain SGD step%s at lr %s, loss %s -> %s%n", trained(),
                trained() == 1 ? "" : "s", TensorStats.fmt(lr), TensorStats.fmt(first().loss()),
                TensorStats.fmt(steps.get(steps.size() - 1).loss())));
        String f = "%-6s %11s  %-28s %-28s %5s%n";
        sb.append(String.format(Locale.ROOT, f, "step", "loss", "smallest layer gradient", "largest layer gradient",
                "flags"));
        for (int s = 0; s < steps.size(); s++) {
            FlowReport r = steps.get(s);
            LayerStats lo = null;
            LayerStats hi = null;
            for (LayerStats l : r.layers()) {
                // d loss / d loss is 1 at every step: it says nothing about the flow
                if (!l.gradFlows() || l.name().equals(r.output())) {
                    continue;
                }
                if (lo == null || !(l.gradNorm() >= lo.gradNorm())) {
                    lo = l;
                }
                if (hi == null || !(l.gradNorm() <= hi.gradNorm())) {
                    hi = l;
                }
            }
            sb.append(String.format(Locale.ROOT, f, s, TensorStats.fmt(r.loss()), norm(lo), norm(hi),
                    r.flags().size()));
        }
        sb.append('\n');
        for (Flag fl : first().flags()) {
            sb.append(fl.line()).append('\n');
        }
        List<Flag> later = newFlags();
        for (Flag fl : later) {
            sb.append(fl.line()).append('\n');
        }
        int total = first().flags().size() + later.size();
        if (stopped) {
            return sb.append(String.format(Locale.ROOT, "flow: stopped early after %d of %d training steps, %s (loss "
                    + "%s)%n", trained(), asked, total == 0 ? "nothing flagged so far" : total + (total == 1 ? " flag"
                    : " flags"), TensorStats.fmt(first().loss()))).toString();
        }
        sb.append(total == 0 ? "flow: healthy over " + trained() + " training steps, nothing flagged (loss "
                + TensorStats.fmt(first().loss()) + ")" : "flow: " + total + (total == 1 ? " flag" : " flags")
                + " over " + trained() + " training steps (loss " + TensorStats.fmt(first().loss()) + ")");
        return sb.append('\n').toString();
    }

    private static String norm(LayerStats l) {
        return l == null ? "-" : l.name() + " " + TensorStats.fmt(l.gradNorm());
    }

    /**
     * The first step's JSON report ({@link FlowReport#toJson}) with {@code passed} over every
     * step, the flags that appeared during training added to {@code flags}, and {@code steps}:
     * per step its {@code step}, {@code loss}, {@code grad_norms} (per layer that gradient flows
     * to) and {@code flags}; {@code lr}, {@code trained} (the steps taken) and {@code steps_total}
     * (the steps asked for); a stopped run has not passed.
     */
    public ObjectNode toJson(long seed) {
        ObjectNode root = first().toJson(seed);
        root.put("passed", healthy() && !stopped);
        // the whole run's time, training included (the first analysis's alone said 25 ms of 3 s)
        root.put("elapsed_ms", elapsedMs);
        ArrayNode flags = (ArrayNode) root.get("flags");
        for (StepFlag f : firstAppearances()) {
            if (f.step() > 0) {
                FlowReport.flagJson(flags, atStep(f), steps.get(f.step()).anomalyOf(f.flag()));
            }
        }
        root.put("lr", lr);
        root.put("trained", trained());
        root.put("steps_total", asked);
        ArrayNode arr = root.putArray("steps");
        for (int s = 0; s < steps.size(); s++) {
            FlowReport r = steps.get(s);
            ObjectNode o = arr.addObject();
            o.put("step", s);
            number(o, "loss", r.loss());
            ObjectNode norms = o.putObject("grad_norms");
            for (LayerStats l : r.layers()) {
                if (l.gradFlows()) {
                    number(norms, l.name(), l.gradNorm());
                }
            }
            ArrayNode fs = o.putArray("flags");
            for (Flag f : r.flags()) {
                FlowReport.flagJson(fs, f, r.anomalyOf(f));
            }
        }
        return root;
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.put(key, Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }
}
