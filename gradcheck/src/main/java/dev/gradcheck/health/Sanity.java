package dev.gradcheck.health;

import dev.gradcheck.CheckMonitor;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.nn.Adam;
import dev.gradcheck.engine.nn.Optimizer;
import dev.gradcheck.engine.nn.SGD;
import dev.gradcheck.engine.op.ClassificationLoss;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.LossFunction;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import dev.gradcheck.model.TensorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The "recipe" checks for a model before training it for real:
 * <ul>
 * <li>{@code init_loss}: for a classification loss ({@code cross_entropy}, {@code nll_loss},
 * {@code binary_cross_entropy_with_logits}), the loss at init against {@code -log(1/C)} (times
 * the number of rows for {@code reduction: "sum"}); a much larger one means an overconfident init;</li>
 * <li>{@code overfit}: training on the one batch the model holds ({@link SanityOptions#steps()}
 * steps) must drive the loss near zero; a model that cannot overfit one batch has a bug;</li>
 * <li>{@code zero_input}: the same training with the data inputs zeroed (targets kept) must end
 * clearly worse; if not, the model ignores its input;</li>
 * <li>{@code learning_rate}: the overfitting run must not diverge (loss NaN, infinite, or above
 * {@link SanityOptions#divergeFactor()} times the initial loss); the step it diverged at is given;</li>
 * <li>{@code batch_independence}: the gradient of one sample's outputs reaches no other sample of
 * the batch inputs ({@link BatchIndependence}); else the first node where samples mix is named.</li>
 * </ul>
 * The model's values are never changed: training runs on copies of the params.
 */
public final class Sanity {
    private Sanity() {
    }

    /** How a check the stop came before begins its detail. */
    static final String NOT_BEGUN = "not checked: the run was stopped before it";

    /** The checks, in the order they run and are reported. */
    static final List<String> CHECKS = List.of("init_loss", "overfit", "zero_input", "learning_rate",
            BatchIndependenceReport.NAME);

    /** Runs the five checks on {@code model} at {@code values}. */
    public static SanityReport run(Model model, Map<String, Tensor> values, SanityOptions o) {
        return run(model, values, o, CheckMonitor.NONE);
    }

    /**
     * As {@link #run(Model, Map, SanityOptions)}, stopped early when {@code monitor} asks (a
     * deadline, Ctrl-C): it is asked before every training step and between checks. Then the
     * checks finished are reported, a check whose training run was cut short is {@code skipped}
     * with the steps it got through ({@link SanityReport#cut()}), the checks not begun are
     * {@code skipped} ("not checked"), and {@link SanityReport#incomplete()} is true.
     */
    public static SanityReport run(Model model, Map<String, Tensor> values, SanityOptions o, CheckMonitor monitor) {
        long t0 = System.nanoTime();
        List<SanityCheck> checks = new ArrayList<>();
        Map<String, int[]> cut = new LinkedHashMap<>();
        double init = model.loss(values);
        String targets = SoftTargets.problem(model, values, outputNode(model));
        checks.add(initLoss(model, init, targets, o));
        if (model.paramNames().isEmpty()) {
            for (String n : List.of("overfit", "zero_input", "learning_rate")) {
                checks.add(new SanityCheck(n, "skipped", "the model has no params to train", -1));
            }
        } else {
            Run real = monitor.stopRequested() ? null : train(model, values, o, "overfit", monitor);
            if (real == null || real.cutAfter >= 0) {
                return stopped(checks, real, null, cut, o, t0);
            }
            String negative = negativeLoss(real, targets);
            if (negative != null) {
                checks.add(new SanityCheck("overfit", "skipped", negative, -1));
                checks.add(new SanityCheck("zero_input", "skipped", negative, -1));
            } else {
                double floor = LossFloor.of(model, values);
                checks.add(overfit(real, floor, o));
                List<String> data = targetFree(model) ? List.of() : dataInputs(model);
                Run zero = data.isEmpty() || monitor.stopRequested() ? null
                        : train(model, zeroed(values, data), o, "zero-input", monitor);
                if (!data.isEmpty() && (zero == null || zero.cutAfter >= 0)) {
                    checks.add(learningRate(real, o));
                    return stopped(checks, null, zero, cut, o, t0);
                }
                checks.add(targetFree(model) ? new SanityCheck("zero_input", "skipped", "the loss compares the"
                        + " output with no target (every input besides the params is data: "
                        + String.join(", ", dataInputs(model)) + "): with the data zeroed the params alone can drive"
                        + " such a loss as low, so the baseline says nothing about the input", -1)
                        : zeroInput(real, zero, data, floor, o));
            }
            checks.add(learningRate(real, o));
        }
        if (monitor.stopRequested()) {
            return stopped(checks, null, null, cut, o, t0);
        }
        BatchIndependenceReport batch = BatchIndependence.check(model, values, o.batchDim());
        checks.add(batch.check());
        return new SanityReport(checks, batch, (System.nanoTime() - t0) / 1e6, Map.of(), false);
    }

    /** The report of a run stopped before any check began (while loading the model): every check not checked. */
    public static SanityReport notRun(SanityOptions o) {
        return stopped(List.of(), null, null, new LinkedHashMap<>(), o, System.nanoTime());
    }

    /**
     * The report of a run the monitor stopped: the checks done, the overfit run ({@code overfit}
     * and {@code learning_rate}) or the zeroed-input run ({@code zero_input}) cut short, the rest
     * not checked; in {@link #CHECKS}'s order.
     */
    private static SanityReport stopped(List<SanityCheck> done, Run overfitCut, Run zeroCut, Map<String, int[]> cut,
            SanityOptions o, long t0) {
        Map<String, SanityCheck> byName = new LinkedHashMap<>();
        done.forEach(c -> byName.put(c.name(), c));
        if (overfitCut != null) {
            for (String n : List.of("overfit", "learning_rate")) {
                byName.put(n, cutShort(n, overfitCut, o));
                cut.put(n, new int[] {overfitCut.steps, o.steps()});
            }
        }
        if (zeroCut != null) {
            byName.put("zero_input", cutShort("zero_input", zeroCut, o));
            cut.put("zero_input", new int[] {zeroCut.steps, o.steps()});
        }
        List<SanityCheck> checks = new ArrayList<>();
        for (String n : CHECKS) {
            checks.add(byName.getOrDefault(n, new SanityCheck(n, "skipped", NOT_BEGUN, -1)));
        }
        BatchIndependenceReport batch = BatchIndependenceReport.notApplicable(NOT_BEGUN, o.batchDim(), 0, List.of());
        return new SanityReport(checks, batch, (System.nanoTime() - t0) / 1e6, cut, true);
    }

    /** A check whose training run was stopped before its last step: no verdict, the loss so far. */
    private static SanityCheck cutShort(String name, Run r, SanityOptions o) {
        return new SanityCheck(name, "skipped", String.format(Locale.ROOT, "stopped after %,d of %,d %s steps at lr %s, "
                + "before a verdict (loss %s -> %s so far)", r.steps, o.steps(), o.optimizer(), TensorStats.fmt(o.lr()),
                TensorStats.fmt(r.initial), TensorStats.fmt(r.last)), -1);
    }

    /** The node that computes the model's output. */
    static NodeSpec outputNode(Model model) {
        NodeSpec out = model.nodes().get(model.nodes().size() - 1);
        for (NodeSpec n : model.nodes()) {
            if (n.name().equals(model.output())) {
                out = n;
            }
        }
        return out;
    }

    private static SanityCheck initLoss(Model model, double loss, String targets, SanityOptions o) {
        NodeSpec out = outputNode(model);
        ClassificationLoss classification = out.op().classification();
        if (classification == null) {
            return new SanityCheck("init_loss", "skipped", "the output '" + model.output() + "' is " + out.op().name()
                    + ", not a classification loss (" + classificationLosses() + ")", -1);
        }
        if (targets != null) {
            return new SanityCheck("init_loss", "skipped", targets + ": the chance-level loss log(classes) assumes"
                    + " probabilities (PyTorch computes the loss anyway, and so does check)", -1);
        }
        ClassificationLoss.Predictions p = classification.predictions(model.shape(out.inputs().get(0)));
        int classes = p.classes();
        long rows = p.count();
        String reduction = out.attrs().getString("reduction");
        double expected = Math.log(classes) * ("sum".equals(reduction) ? rows : 1);
        String what = String.format(Locale.ROOT, "-log(1/%d)%s = %s", classes,
                "sum".equals(reduction) ? " x " + rows + " rows (reduction sum)" : "", TensorStats.fmt(expected));
        if (!Double.isFinite(loss)) {
            return new SanityCheck("init_loss", "fail", "loss at init is " + TensorStats.fmt(loss) + "; expected about "
                    + what, -1);
        }
        double factor = loss / expected;
        boolean ok = factor <= o.initFactor() && factor >= 1 / o.initFactor();
        String detail = "loss at init " + TensorStats.fmt(loss) + ", expected about " + what
                + String.format(Locale.ROOT, " (%.2fx it; accepted within %sx)", factor, TensorStats.fmt(o.initFactor()))
                + (ok ? "" : loss > expected ? ": the init is overconfident (scale the last layer's weights down)"
                        : ": lower than chance at init (a leak of the targets into the input?)");
        return new SanityCheck("init_loss", ok ? "pass" : "fail", detail, -1);
    }

    /** The registered classification losses, for the message of a model that ends in another op. */
    private static String classificationLosses() {
        return OpRegistry.publicOps().stream().filter(op -> op.classification() != null).map(OpDef::name)
                .collect(Collectors.joining(", "));
    }

    private static SanityCheck overfit(Run r, double floor, SanityOptions o) {
        if (r.divergedAt >= 0) {
            return new SanityCheck("overfit", "fail", "training diverged at step " + r.divergedAt + " (see "
                    + "learning_rate); best loss " + TensorStats.fmt(r.best) + " from " + TensorStats.fmt(r.initial), -1);
        }
        double target = floor + o.overfitFraction() * (r.initial - floor);
        boolean ok = r.last <= target || r.last <= 1e-6;
        String detail = String.format(Locale.ROOT, "loss %s -> %s after %d %s steps at lr %s (target <= %s = %s)",
                TensorStats.fmt(r.initial), TensorStats.fmt(r.last), r.steps, o.optimizer(), TensorStats.fmt(o.lr()),
                TensorStats.fmt(target), shareOf(o.overfitFraction(), "the initial loss", floor));
        return new SanityCheck("overfit", ok ? "pass" : "fail",
                detail + (ok ? "" : ": cannot overfit one batch (a bug, too few steps, or a learning rate off)"), -1);
    }

    /**
     * "10% of the initial loss", or, above a floor the targets set, "10% of the way from the floor
     * F to the initial loss (…)".
     */
    private static String shareOf(double fraction, String of, double floor) {
        String share = String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
        return !hasFloor(floor) ? share + " of " + of : share + " of the way from the floor " + TensorStats.fmt(floor)
                + " to " + of + " (the lowest loss these targets allow, as soft labels or label smoothing keep it above"
                + " 0: the loss op minimised over its predictions alone)";
    }

    /** A floor worth stating: a loss whose targets keep it above 0 (class indices give ~1e-17). */
    private static boolean hasFloor(double floor) {
        return floor > 1e-9;
    }

    /**
     * Why overfit and zero_input cannot judge a run whose loss went below 0, or null: both measure
     * a loss against 0 (near zero, a fraction of another loss), which means nothing for an output
     * that is not bounded below by 0 (a mean of the model's outputs, a Gaussian log-likelihood).
     */
    private static String negativeLoss(Run r, String targets) {
        if (!(r.initial < 0 || r.best < 0)) {
            return null;
        }
        String went = String.format(Locale.ROOT, "the output went below 0 in training (%s -> %s at best)",
                TensorStats.fmt(r.initial), TensorStats.fmt(r.best));
        if (targets != null) {
            return went + " because " + targets + ": a cross-entropy against such a target has no floor; give class"
                    + " probabilities (each >= 0, summing to 1 per prediction)";
        }
        return went + ": not a loss bounded below by 0, so 'near zero' and ratios of losses mean nothing here; give"
                + " sanity a model whose output is such a loss (e.g. cross_entropy, mse_loss)";
    }

    /** {@code values} with the inputs {@code data} zeroed. */
    private static Map<String, Tensor> zeroed(Map<String, Tensor> values, List<String> data) {
        Map<String, Tensor> zeroed = new LinkedHashMap<>(values);
        for (String n : data) {
            zeroed.put(n, values.get(n).zerosLike());
        }
        return zeroed;
    }

    /** zero_input: the same training with the data inputs zeroed ({@code zero}, null without any), against the real run. */
    private static SanityCheck zeroInput(Run real, Run zero, List<String> data, double floor, SanityOptions o) {
        if (data.isEmpty()) {
            return new SanityCheck("zero_input", "skipped", "no float64 data input to zero (only targets, "
                    + "indices or inputs declared constant)", -1);
        }
        String names = String.join(", ", data);
        if (real.divergedAt >= 0 || zero.divergedAt >= 0) {
            return new SanityCheck("zero_input", "skipped", "training diverged; compare again with a lower lr", -1);
        }
        // losses above the floor the targets set: what training can still remove
        boolean ok = real.last - floor <= o.zeroInputRatio() * (zero.last - floor);
        String detail = String.format(Locale.ROOT, "after %d steps: loss %s with the input, %s with %s zeroed (target: "
                + "%s)", real.steps, TensorStats.fmt(real.last), TensorStats.fmt(zero.last), names,
                hasFloor(floor) ? String.format(Locale.ROOT, "at most %.0f%% of it above the floor %s",
                        100 * o.zeroInputRatio(), TensorStats.fmt(floor))
                        : String.format(Locale.ROOT, "at most %.0f%% of it", 100 * o.zeroInputRatio()));
        return new SanityCheck("zero_input", ok ? "pass" : "fail",
                detail + (ok ? "" : ": the model learns as well without its input (is the input connected?)"), -1);
    }

    private static SanityCheck learningRate(Run r, SanityOptions o) {
        if (r.divergedAt == 0) {
            return new SanityCheck("learning_rate", "fail", "the loss at init is already " + TensorStats.fmt(r.initial)
                    + ": not a learning-rate problem (gradcheck flow names the op that produced it)", 0);
        }
        if (r.divergedAt < 0) {
            return new SanityCheck("learning_rate", "pass", String.format(Locale.ROOT,
                    "%s at lr %s did not diverge in %d steps (loss stayed finite and below %sx the initial %s)",
                    o.optimizer(), TensorStats.fmt(o.lr()), r.steps, TensorStats.fmt(o.divergeFactor()),
                    TensorStats.fmt(r.initial)), -1);
        }
        return new SanityCheck("learning_rate", "fail", String.format(Locale.ROOT,
                "%s at lr %s diverges at step %d: loss %s -> %s (%s); lower the learning rate", o.optimizer(),
                TensorStats.fmt(o.lr()), r.divergedAt, TensorStats.fmt(r.initial), TensorStats.fmt(r.divergedLoss),
                Double.isFinite(r.divergedLoss) ? "above " + TensorStats.fmt(o.divergeFactor()) + "x the initial loss"
                        : "not finite"), r.divergedAt);
    }

    /**
     * The data inputs (float64, not declared constant) that are not the loss's target: what {@code
     * zero_input} zeroes. A target is any input the output node takes after its first, or an input
     * that meets no parameter on its way to the output (no node it reaches takes a param directly:
     * {@code t} in a loss written out as {@code mean((f(x) - t)²)}, as an ONNX export has it), since
     * it is compared with the prediction rather than fed through the model.
     */
    /**
     * Whether the loss has no target: there are data inputs, and every input besides them is a
     * param or declared constant. A loss of the output alone (a mean of squares) then falls as low
     * with the data zeroed, whatever the model does with its input.
     */
    private static boolean targetFree(Model model) {
        List<String> data = dataInputs(model);
        return !data.isEmpty() && model.inputs().values().stream()
                .allMatch(s -> s.param() || s.constant() || data.contains(s.name()));
    }

    static List<String> dataInputs(Model model) {
        return fedInputs(model).stream().filter(n -> model.inputs().get(n).data()).toList();
    }

    /**
     * The inputs fed through the model, float64 or int64 (token indices): not declared constant, not
     * the loss's target (as {@link #dataInputs}).
     */
    static List<String> fedInputs(Model model) {
        Set<String> targets = new HashSet<>();
        for (NodeSpec n : model.nodes()) {
            if (n.name().equals(model.output())) {
                targets.addAll(n.inputs().subList(1, n.inputs().size()));
            }
        }
        Set<String> meetsParam = meetsParam(model);
        List<String> out = new ArrayList<>();
        for (TensorSpec s : model.inputs().values()) {
            if (!s.param() && !s.constant() && !targets.contains(s.name()) && meetsParam.contains(s.name())) {
                out.add(s.name());
            }
        }
        return out;
    }

    /** The names (inputs and nodes) from which some path to the output passes a node that takes a param. */
    private static Set<String> meetsParam(Model model) {
        Set<String> params = model.params().keySet();
        Set<String> meets = new HashSet<>();
        List<NodeSpec> nodes = model.nodes();
        // nodes are in topological order: walk them backwards, so a node's consumers are settled first
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeSpec n = nodes.get(i);
            boolean takesParam = n.inputs().stream().anyMatch(params::contains);
            if (takesParam || meets.contains(n.name())) {
                meets.addAll(n.inputs());
            }
        }
        return meets;
    }

    /** The losses of one training run. */
    private static final class Run {
        double initial = Double.NaN;
        double last = Double.NaN;
        double best = Double.POSITIVE_INFINITY;
        int steps;
        int divergedAt = -1;
        double divergedLoss = Double.NaN;
        /** The steps taken when the monitor stopped the run before its last, else -1. */
        int cutAfter = -1;
    }

    private static Run train(Model model, Map<String, Tensor> values, SanityOptions o, String name,
            CheckMonitor monitor) {
        List<String> params = model.paramNames();
        LossFunction f = model.lossFunction(values, params);
        Tensor[] leaves = new Tensor[params.size()];
        for (int i = 0; i < leaves.length; i++) {
            Tensor v = values.get(params.get(i));
            leaves[i] = Tensor.of(v.data(), v.shape()).requiresGrad(); // a copy: the caller's values never move
        }
        Optimizer opt = o.optimizer().equals("sgd") ? new SGD(List.of(leaves), o.lr()) : new Adam(List.of(leaves), o.lr());
        Run r = new Run();
        for (int step = 0; step <= o.steps(); step++) {
            Tensor loss = f.apply(leaves);
            double l = loss.item();
            if (step == 0) {
                r.initial = l;
            }
            r.last = l;
            r.best = Math.min(r.best, l);
            for (StepListener s : o.listeners()) {
                s.onStep(new StepReport(name, step, l, null));
            }
            if (!Double.isFinite(l) || (step > 0 && l > o.divergeFactor() * Math.abs(r.initial))) {
                r.divergedAt = step;
                r.divergedLoss = l;
                break;
            }
            if (step == o.steps()) {
                break; // the last loss is measured after the last update
            }
            if (monitor.stopRequested()) {
                r.cutAfter = step;
                break;
            }
            loss.backward();
            opt.step();
            opt.zeroGrad();
            r.steps = step + 1;
        }
        return r;
    }
}
