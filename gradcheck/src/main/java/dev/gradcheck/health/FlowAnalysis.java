package dev.gradcheck.health;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns layer and param samples into statistics and flags; the rules of the flow report live here. */
final class FlowAnalysis {
    private FlowAnalysis() {
    }

    /**
     * What a flow analysis knows of the model behind its samples.
     *
     * @param biases params used only as an op's bias (zero at init by design, as PyTorch's
     *        LayerNorm and Conv biases), never flagged for their init scale
     * @param output the layer the gradients are taken of (the loss), or null when unknown
     * @param reach which layers and params each param's value reaches
     * @param unlisted the model's params without statistics (not in {@code wrt}): judged for their
     *        init's scale too, since an off-scale one explains the findings of those it reaches
     */
    record Graph(java.util.Set<String> biases, String output, InitReach reach, List<ParamSample> unlisted) {
        /** Samples gathered outside a model file: no graph. */
        static final Graph UNKNOWN = new Graph(java.util.Set.of(), null, InitReach.UNKNOWN, List.of());
    }

    static FlowReport analyze(double loss, List<LayerSample> layers, List<ParamSample> params,
            List<NodeAnomaly> anomalies, FlowOptions o, double elapsedMs, TrainingStage stage) {
        return analyze(loss, layers, params, anomalies, o, elapsedMs, stage, Graph.UNKNOWN);
    }

    /**
     * @param stage where in a training run the values come from (what may be advised on them)
     * @param graph what is known of the model
     */
    static FlowReport analyze(double loss, List<LayerSample> layers, List<ParamSample> params,
            List<NodeAnomaly> anomalies, FlowOptions o, double elapsedMs, TrainingStage stage, Graph graph) {
        Map<String, List<ParamStats>> byLayer = new LinkedHashMap<>();
        List<ParamStats> allParams = new ArrayList<>();
        for (ParamSample p : params) {
            ParamStats s = paramStats(p, o);
            allParams.add(s);
            byLayer.computeIfAbsent(p.layer(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Double> norms = new HashMap<>();
        for (LayerSample l : layers) {
            if (l.grad() != null) {
                norms.put(l.name(), TensorStats.norm(l.grad().data()));
            }
        }
        List<LayerStats> stats = new ArrayList<>();
        for (LayerSample l : layers) {
            stats.add(layerStats(l, norms, byLayer.getOrDefault(l.name(), List.of()), o));
        }
        List<Flag> flags = new ArrayList<>();
        for (NodeAnomaly a : anomalies) {
            flags.add(a.flag());
        }
        // a weight initialised far off its fan-in scale explains the layer and update findings it reaches;
        // only initial values are judged so: later, training moved the weight where it is
        java.util.Set<String> offScale = new java.util.HashSet<>(stage.offScaleAtInit());
        Map<String, String> causes = new LinkedHashMap<>();
        List<ParamSample> every = new ArrayList<>(params);
        every.addAll(graph.unlisted());
        for (ParamSample p : every) {
            String layer = p.layer() != null ? p.layer() : p.name();
            if (stage.initial()) {
                Flag f = graph.biases().contains(p.name()) ? null : InitScale.flag(p);
                if (f != null) {
                    flags.add(f);
                    offScale.add(p.name());
                    causes.put(p.name(), layer);
                }
            } else if (stage.offScaleAtInit().contains(p.name()) && InitScale.offScale(p.value())) {
                causes.put(p.name(), layer); // still as far off as its init was
            }
        }
        InitCauses init = new InitCauses(causes, graph.reach(), stage.initial());
        for (LayerStats s : stats) {
            activationFlags(s, o, flags);
        }
        // after a NaN or Inf every gradient downstream of it is meaningless: the anomaly is the finding
        boolean nonFinite = anomalies.stream().anyMatch(a -> a.kind() != FlagKind.EXPLODING);
        if (!nonFinite) {
            gradientFlags(stats, o, flags, init);
            // after a divergence the ratios reflect blown-up params, not the learning rate's size
            for (ParamStats p : allParams) {
                if (!offScale.contains(p.name()) && !stage.diverged() && judged(p, stage)) {
                    updateFlag(p, o, flags, init.ofParam(p.name()));
                }
            }
        }
        return new FlowReport(loss, stats, allParams, flags, anomalies, o, elapsedMs, graph.output(), offScale);
    }

    /**
     * Whether {@code p}'s update:data ratio says anything about the learning rate: not when its
     * data is within rounding of zero (one step would wipe it out entirely: the ratio is the
     * data's tininess), nor, in a training run, when training gave the param most of its scale (a
     * bias that started at zero has a ratio of 1 after one step, 1/k after k, whatever the rate).
     */
    private static boolean judged(ParamStats p, TrainingStage stage) {
        return !(p.updateDataRatio() * Math.ulp(1.0) >= 1) && !stage.scaleFromTraining(p.name(), p.dataNorm());
    }

    private static ParamStats paramStats(ParamSample p, FlowOptions o) {
        double[] w = p.value().data();
        double[] g = p.grad() == null ? new double[w.length] : p.grad().data();
        double gn = TensorStats.norm(g);
        double wn = TensorStats.norm(w);
        double ratio = wn > 0 ? gn / wn : Double.NaN;
        // a training step updates params, not inputs
        double update = o.hasLr() && !p.input() ? o.lr() * ratio : Double.NaN;
        return new ParamStats(p.name(), p.layer(), p.value().shape(), gn, TensorStats.meanAbs(g), TensorStats.maxAbs(g),
                wn, ratio, update, p.input());
    }

    private static LayerStats layerStats(LayerSample l, Map<String, Double> norms, List<ParamStats> params,
            FlowOptions o) {
        Tensor v = l.value();
        double[] d = v.data();
        double[] g = l.grad() == null ? new double[0] : l.grad().data();
        double gn = l.grad() == null ? 0 : norms.get(l.name());
        Double nextNorm = l.next() == null ? null : norms.get(l.next());
        double ratio = nextNorm == null || l.grad() == null ? Double.NaN : gn / nextNorm;
        OpDef op = l.op() != null && OpRegistry.contains(l.op()) ? OpRegistry.get(l.op()) : null;
        double sat = Double.NaN;
        double dead = Double.NaN;
        int deadUnits = 0;
        int units = 0;
        if (op != null && op.saturation() != null) {
            sat = TensorStats.saturatedShare(d, op.saturation(), o.saturationLevel());
        } else if (op != null && op.deadZone()) {
            int[] du = TensorStats.deadUnits(v);
            deadUnits = du[0];
            units = du[1];
            dead = units == 0 ? 0 : (double) deadUnits / units;
        }
        return new LayerStats(l.name(), l.op(), v.shape(), l.grad() != null, gn, TensorStats.meanAbs(g),
                TensorStats.maxAbs(g), l.next(), ratio, TensorStats.mean(d), TensorStats.std(d), sat, dead, deadUnits,
                units, params);
    }

    private static void activationFlags(LayerStats s, FlowOptions o, List<Flag> flags) {
        String pct = "%";
        if (s.saturatedShare() > o.saturatedShare()) {
            flags.add(new Flag(FlagKind.SATURATED, s.name(), String.format(java.util.Locale.ROOT,
                    "%.1f%s of %s outputs y have |%s| > %s (threshold %.0f%s); its gradient is damped there",
                    100 * s.saturatedShare(), pct, s.op(), OpRegistry.get(s.op()).saturation().normalizedText(),
                    TensorStats.fmt(o.saturationLevel()), 100 * o.saturatedShare(), pct)));
        }
        if (s.deadShare() > o.deadShare()) {
            flags.add(new Flag(FlagKind.DEAD_RELU, s.name(), String.format(java.util.Locale.ROOT,
                    "%d of %d units (%.1f%s) never positive over the batch of %d (threshold %.0f%s); no gradient "
                            + "flows through them",
                    s.deadUnits(), s.units(), 100 * s.deadShare(), pct, s.shape().rank() >= 2 ? s.shape().dim(0) : 1,
                    100 * o.deadShare(), pct)));
        }
    }

    /**
     * Walks the layers from the loss back to the input (the way gradients flow) and flags the first
     * layer whose gradient is exploding and the first whose gradient is vanishing.
     */
    private static void gradientFlags(List<LayerStats> stats, FlowOptions o, List<Flag> flags, InitCauses init) {
        Flag exploding = null;
        Flag vanishing = null;
        int explodingMore = 0;
        int vanishingMore = 0;
        for (int k = stats.size() - 1; k >= 0; k--) {
            LayerStats s = stats.get(k);
            if (!s.gradFlows() || !Double.isFinite(s.gradNorm())) {
                continue;
            }
            // the words only for the layer flagged: the layers after it are only counted
            if (explodes(s, o)) {
                if (exploding == null) {
                    exploding = new Flag(FlagKind.EXPLODING, s.name(), explodingReason(s, o)
                            + cause(init.ofLayer(s.name())));
                } else {
                    explodingMore++;
                }
            }
            for (ParamStats p : s.params()) {
                if (p.gradNorm() > o.explodingNorm()) {
                    String pe = "gradient norm of " + p.kind() + " '" + p.name() + "' is " + TensorStats.fmt(p.gradNorm())
                            + ", above " + TensorStats.fmt(o.explodingNorm()) + cause(init.ofParam(p.name()));
                    if (exploding == null) {
                        exploding = new Flag(FlagKind.EXPLODING, s.name(), pe);
                    } else {
                        explodingMore++;
                    }
                }
            }
            if (vanishes(s, o)) {
                if (vanishing == null) {
                    String after = cause(stats, s.next(), o);
                    vanishing = new Flag(FlagKind.VANISHING, s.name(), vanishingReason(s, o)
                            + (after.isEmpty() ? cause(init.ofLayer(s.name())) : after));
                } else {
                    vanishingMore++;
                }
            }
        }
        if (exploding != null) {
            flags.add(more(exploding, explodingMore));
        }
        if (vanishing != null) {
            flags.add(more(vanishing, vanishingMore));
        }
    }

    /** Why the gradient may have vanished at the layer feeding {@code next}: a dead or saturated {@code next}. */
    private static String cause(List<LayerStats> stats, String next, FlowOptions o) {
        for (LayerStats n : stats) {
            if (n.name().equals(next)) {
                if (n.deadShare() > o.deadShare()) {
                    return " (the ReLU layer '" + next + "' after it is dead)";
                }
                if (n.saturatedShare() > o.saturatedShare()) {
                    return " (the " + n.op() + " layer '" + next + "' after it is saturated)";
                }
            }
        }
        return "";
    }

    /** {@code "; the cause: the init of param 'W2' (...) scales ..."}, or nothing when no init explains it. */
    private static String cause(String initCause) {
        return initCause == null ? "" : "; the cause: " + initCause;
    }

    private static Flag more(Flag f, int more) {
        return more == 0 ? f : new Flag(f.kind(), f.place(), f.detail() + "; " + more + " more "
                + (more == 1 ? "finding" : "findings") + " of this kind nearer the input");
    }

    private static boolean explodes(LayerStats s, FlowOptions o) {
        return s.gradNorm() > o.explodingNorm() || s.gradRatio() > o.growth();
    }

    private static boolean vanishes(LayerStats s, FlowOptions o) {
        return s.gradNorm() < o.vanishingNorm() || s.gradRatio() < 1 / o.shrink();
    }

    /** Why {@link #explodes} holds, in words. */
    private static String explodingReason(LayerStats s, FlowOptions o) {
        if (s.gradNorm() > o.explodingNorm()) {
            return "gradient norm " + TensorStats.fmt(s.gradNorm()) + " is above " + TensorStats.fmt(o.explodingNorm())
                    + ratioText(s);
        }
        if (s.gradRatio() > o.growth()) {
            return "gradient norm " + TensorStats.fmt(s.gradNorm()) + " is " + TensorStats.fmt(s.gradRatio())
                    + "x that of '" + s.next() + "' (" + TensorStats.fmt(s.gradNorm() / s.gradRatio())
                    + "): it grows by more than " + TensorStats.fmt(o.growth()) + "x in one layer";
        }
        return null;
    }

    /** Why {@link #vanishes} holds, in words. */
    private static String vanishingReason(LayerStats s, FlowOptions o) {
        if (s.gradNorm() < o.vanishingNorm()) {
            return "gradient norm " + TensorStats.fmt(s.gradNorm()) + " is below " + TensorStats.fmt(o.vanishingNorm())
                    + ratioText(s);
        }
        if (s.gradRatio() < 1 / o.shrink()) {
            return "gradient norm " + TensorStats.fmt(s.gradNorm()) + " is " + TensorStats.fmt(1 / s.gradRatio())
                    + "x smaller than that of '" + s.next() + "' (" + TensorStats.fmt(s.gradNorm() / s.gradRatio())
                    + "): it shrinks by more than " + TensorStats.fmt(o.shrink()) + "x in one layer";
        }
        return null;
    }

    private static String ratioText(LayerStats s) {
        return Double.isFinite(s.gradRatio()) && s.gradRatio() > 0
                ? " (" + TensorStats.fmt(s.gradRatio()) + "x that of '" + s.next() + "')" : "";
    }

    /**
     * Flagged at the param's layer (the FLAG line names layers), the param named in the detail; the
     * learning rate is advised on unless {@code initCause} (an off-scale init reaching the param)
     * explains the ratio.
     */
    private static void updateFlag(ParamStats p, FlowOptions o, List<Flag> flags, String initCause) {
        double lg = p.updateDataLog10();
        if (!Double.isFinite(lg)) {
            return;
        }
        String place = p.layer() != null ? p.layer() : p.name();
        String ratio = String.format(java.util.Locale.ROOT,
                "param '%s': update:data ratio 10^%.2f for one SGD step at lr %s", p.name(), lg, TensorStats.fmt(o.lr()));
        boolean high = lg > o.updateHigh();
        if (!high && !(lg < o.updateLow())) {
            return;
        }
        String bound = high ? " is above 10^" + TensorStats.fmt(o.updateHigh()) : " is below 10^" + TensorStats.fmt(o.updateLow());
        String advice = initCause != null ? ", not the learning rate's doing: " + initCause + "; fix that init, then "
                + "judge the learning rate" : ": the learning rate is too " + (high ? "high" : "low") + " for this param";
        flags.add(new Flag(high ? FlagKind.EXPLODING : FlagKind.VANISHING, place, ratio + bound + " (target 10^-3)"
                + advice));
    }
}
