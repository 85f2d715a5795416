package dev.gradcheck.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.report.TerminalText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The result of a flow analysis: per-layer and per-param statistics, the anomalies met on the
 * way, and the flags. Healthy when nothing is flagged.
 */
public final class FlowReport {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final double loss;
    private final List<LayerStats> layers;
    private final List<ParamStats> params;
    private final List<Flag> flags;
    private final List<NodeAnomaly> anomalies;
    private final FlowOptions options;
    private final double elapsedMs;
    private final String output;
    private final java.util.Set<String> offScaleAtInit;

    FlowReport(double loss, List<LayerStats> layers, List<ParamStats> params, List<Flag> flags,
            List<NodeAnomaly> anomalies, FlowOptions options, double elapsedMs, String output,
            java.util.Set<String> offScaleAtInit) {
        this.loss = loss;
        this.layers = List.copyOf(layers);
        this.params = List.copyOf(params);
        this.flags = List.copyOf(flags);
        this.anomalies = List.copyOf(anomalies);
        this.options = options;
        this.elapsedMs = elapsedMs;
        this.output = output;
        this.offScaleAtInit = java.util.Set.copyOf(offScaleAtInit);
    }

    /** This report with {@code first} before its other flags (a training run's divergence, found afterwards). */
    FlowReport withFirstFlag(Flag first) {
        List<Flag> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(flags);
        return new FlowReport(loss, layers, params, all, anomalies, options, elapsedMs, output, offScaleAtInit);
    }

    /** The params whose init was judged off its fan-in's scale (their update:data flags left out). */
    java.util.Set<String> offScaleAtInit() {
        return offScaleAtInit;
    }

    /**
     * The layer the gradients are taken of (the model's output, the loss: its gradient is always
     * 1), or null when it is not known (samples from a training loop).
     */
    public String output() {
        return output;
    }

    /** The loss value. */
    public double loss() {
        return loss;
    }

    /** The layers, in forward order. */
    public List<LayerStats> layers() {
        return layers;
    }

    /** The layer named {@code name}. */
    public LayerStats layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer named '" + name + "'"));
    }

    /** The params, in order. */
    public List<ParamStats> params() {
        return params;
    }

    /**
     * Every flag: anomalies first, then activation flags in layer order, then gradient flags; in a
     * training run, the step's {@code diverged} flag before them all.
     */
    public List<Flag> flags() {
        return flags;
    }

    /** The flags of one kind. */
    public List<Flag> flags(FlagKind kind) {
        return flags.stream().filter(f -> f.kind() == kind).toList();
    }

    /** The anomalies met while evaluating (the first is the producer). */
    public List<NodeAnomaly> anomalies() {
        return anomalies;
    }

    /** The thresholds used. */
    public FlowOptions options() {
        return options;
    }

    /** Time taken, in milliseconds. */
    public double elapsedMs() {
        return elapsedMs;
    }

    /** True when nothing was flagged. */
    public boolean healthy() {
        return flags.isEmpty();
    }

    /**
     * For JUnit tests: throws opentest4j's {@code AssertionFailedError} listing the flags and the
     * whole report unless {@link #healthy()}.
     *
     * @return this report, when healthy
     */
    public FlowReport assertHealthy() {
        if (!healthy()) {
            throw new org.opentest4j.AssertionFailedError("flow flagged " + flags.size()
                    + (flags.size() == 1 ? " finding" : " findings") + "\n" + toText());
        }
        return this;
    }

    /**
     * A table of layers, a table of params (of "tensor"s, each marked param or input, when inputs
     * were differentiated too), the {@code FLAG} lines and a summary line.
     */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        int nw = Math.max(16, layers.stream().mapToInt(l -> esc(l.name()).length()).max().orElse(0));
        int ow = Math.max(14, layers.stream().mapToInt(l -> l.op() == null ? 0 : esc(l.op()).length()).max().orElse(0));
        int sw = Math.max(14, layers.stream().mapToInt(l -> l.shape().toString().length()).max().orElse(0));
        String lf = "%-" + nw + "s %-" + ow + "s %-" + sw + "s %11s %9s %11s %10s %8s %8s%n";
        sb.append(String.format(Locale.ROOT, lf, "layer", "op", "shape", "grad norm", "ratio", "act mean", "act std",
                "satur.", "dead"));
        for (LayerStats l : layers) {
            sb.append(String.format(Locale.ROOT, lf, esc(l.name()), l.op() == null ? "" : esc(l.op()), l.shape(),
                    l.gradFlows() ? TensorStats.fmt(l.gradNorm()) : "-",
                    Double.isNaN(l.gradRatio()) ? "-" : TensorStats.fmt(l.gradRatio()), TensorStats.fmt(l.actMean()),
                    TensorStats.fmt(l.actStd()), pct(l.saturatedShare()), pct(l.deadShare())));
        }
        if (!params.isEmpty()) {
            // inputs differentiated with --wrt share the table: then it is one of tensors, each marked
            boolean inputs = params.stream().anyMatch(ParamStats::input);
            Function<ParamStats, String> label = p -> esc(inputs ? p.name() + " (" + p.kind() + ")" : p.name());
            int pw = Math.max(16, params.stream().mapToInt(p -> label.apply(p).length()).max().orElse(0));
            int lw = Math.max(16, params.stream().mapToInt(p -> p.layer() == null ? 0 : esc(p.layer()).length()).max()
                    .orElse(0));
            int pshape = Math.max(12, params.stream().mapToInt(p -> p.shape().toString().length()).max().orElse(0));
            String pf = "%-" + pw + "s %-" + lw + "s %-" + pshape + "s %11s %11s %11s %11s %11s%n";
            sb.append('\n').append(String.format(Locale.ROOT, pf, inputs ? "tensor" : "param", "layer", "shape",
                    "grad norm", "mean |g|", "max |g|", "grad:data", "update:data"));
            for (ParamStats p : params) {
                sb.append(String.format(Locale.ROOT, pf, label.apply(p), p.layer() == null ? "" : esc(p.layer()), p.shape(),
                        TensorStats.fmt(p.gradNorm()), TensorStats.fmt(p.gradMeanAbs()), TensorStats.fmt(p.gradMaxAbs()),
                        hasGradData(p) ? TensorStats.fmt(p.gradDataRatio()) : "-",
                        hasUpdateData(p) ? TensorStats.fmt(p.updateDataRatio()) : "-"));
            }
        }
        sb.append('\n');
        for (Flag f : flags) {
            sb.append(esc(f.line())).append('\n');
        }
        sb.append(healthy() ? "flow: healthy, nothing flagged (loss " + TensorStats.fmt(loss) + ")"
                : "flow: " + flags.size() + (flags.size() == 1 ? " flag" : " flags") + " (loss " + TensorStats.fmt(loss)
                        + ")");
        return sb.append('\n').toString();
    }

    /** Names and flag lines come from the model file: through {@link TerminalText#escape(String)}. */
    private static String esc(String text) {
        return TerminalText.escape(text);
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** Whether a param has a grad:data ratio: not when its values are all zero (a NaN gradient's is NaN). */
    private static boolean hasGradData(ParamStats p) {
        return p.dataNorm() != 0;
    }

    /** Whether a param has an update:data ratio: with a learning rate, for a param (not an input) with one. */
    private boolean hasUpdateData(ParamStats p) {
        return options.hasLr() && !p.input() && hasGradData(p);
    }

    /**
     * The JSON report of DESIGN.md with {@code command: "flow"} and one {@code checks} entry per
     * layer: {@code name, passed, status} ({@code pass}, or {@code fail} when a flag names the
     * layer or one of its params, or its gradient is NaN, infinite or exactly 0: it carries a
     * finding made elsewhere, which its diagnosis names), {@code max_abs_error} and
     * {@code max_rel_error} (null: nothing is compared), {@code worst} (empty), {@code diagnosis}
     * (the flags' details, or null), then
     * the layer's statistics, its {@code params} and its {@code flags}. Flags on a name that is no
     * layer (an input) get an entry of their own. Top-level {@code loss}, {@code wrt} (the names
     * of the params and inputs with statistics, in order) and {@code flags} follow {@code checks};
     * each entry of a layer's {@code params} has a {@code kind}, {@code param} or {@code input}.
     *
     * @param seed the seed the values were drawn with
     */
    public ObjectNode toJson(long seed) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", CheckReport.TOOL);
        root.put("version", CheckReport.VERSION);
        root.put("command", "flow");
        root.put("passed", healthy());
        num(root, "elapsed_ms", elapsedMs);
        root.put("seed", seed);
        ArrayNode checks = root.putArray("checks");
        java.util.Set<String> placed = new java.util.HashSet<>();
        Map<String, List<Integer>> positions = positionsByPlace();
        for (LayerStats l : layers) {
            List<Flag> mine = flagsOf(l, positions);
            mine.forEach(f -> placed.add(f.place()));
            ObjectNode c = entry(l.name(), mine);
            String carried = mine.isEmpty() ? carried(l) : null;
            if (carried != null) {
                c.put("passed", false);
                c.put("status", "fail");
                c.put("diagnosis", carried);
            }
            c.put("op", l.op());
            shape(c, "shape", l.shape());
            c.put("grad_flows", l.gradFlows());
            if (l.gradFlows()) {
                num(c, "grad_norm", l.gradNorm());
                num(c, "grad_mean_abs", l.gradMeanAbs());
                num(c, "grad_max_abs", l.gradMaxAbs());
            } else {
                c.putNull("grad_norm"); // no gradient flows to it: nothing to measure
                c.putNull("grad_mean_abs");
                c.putNull("grad_max_abs");
            }
            c.put("next", l.next());
            opt(c, "grad_ratio", l.gradRatio());
            num(c, "act_mean", l.actMean());
            num(c, "act_std", l.actStd());
            opt(c, "saturated_share", l.saturatedShare());
            opt(c, "dead_share", l.deadShare());
            ArrayNode ps = c.putArray("params");
            for (ParamStats p : l.params()) {
                ObjectNode pn = ps.addObject();
                pn.put("name", p.name());
                pn.put("kind", p.kind());
                shape(pn, "shape", p.shape());
                num(pn, "grad_norm", p.gradNorm());
                num(pn, "grad_mean_abs", p.gradMeanAbs());
                num(pn, "grad_max_abs", p.gradMaxAbs());
                num(pn, "data_norm", p.dataNorm());
                // null when the ratio does not exist; "NaN" when it does and the gradient is NaN
                applicable(pn, "grad_data_ratio", hasGradData(p), p.gradDataRatio());
                applicable(pn, "update_data_ratio", hasUpdateData(p), p.updateDataRatio());
                applicable(pn, "update_data_log10", hasUpdateData(p), p.updateDataLog10());
            }
            flagArray(c, mine);
            checks.add(c);
        }
        for (Flag f : flags) {
            if (placed.add(f.place())) {
                List<Flag> mine = positions.get(f.place()).stream().map(flags::get).toList();
                ObjectNode c = entry(f.place(), mine);
                flagArray(c, mine);
                checks.add(c);
            }
        }
        num(root, "loss", loss);
        ArrayNode wrt = root.putArray("wrt");
        params.forEach(p -> wrt.add(p.name()));
        flagArray(root, flags);
        return root;
    }

    /**
     * Why layer {@code l}, which no flag names, is still no pass: its gradient is NaN or infinite
     * (it carries a non-finite value found elsewhere) or exactly 0 (no gradient reaches it, as
     * below a dead ReLU: the flag sits where it begins), naming that flag; null for a layer whose
     * gradient is fine or that no gradient flows to.
     */
    private String carried(LayerStats l) {
        double g = l.gradNorm();
        if (!l.gradFlows() || Double.isFinite(g) && g != 0) {
            return null;
        }
        if (Double.isNaN(g) || Double.isInfinite(g)) {
            return "gradient " + (Double.isNaN(g) ? "NaN" : "infinite") + " here"
                    + origin("carried from", FlagKind.NAN, FlagKind.INF) + "; nothing about this layer can be judged";
        }
        return "no gradient reaches this layer (its norm is exactly 0)"
                + origin("below", FlagKind.DEAD_RELU, FlagKind.VANISHING, FlagKind.SATURATED);
    }

    /** {@code , carried from the nan flagged at h1}: the first flag of one of {@code kinds}, or nothing. */
    private String origin(String relation, FlagKind... kinds) {
        List<FlagKind> wanted = List.of(kinds);
        for (Flag f : flags) {
            if (wanted.contains(f.kind())) {
                return ", " + relation + " the " + f.kind().label() + " flagged at " + f.place();
            }
        }
        return "";
    }

    /**
     * Where in {@link #flags} each place's flags are, ascending: so that each layer finds its own
     * without a pass over all of them (quadratic in a long model with a flag per layer).
     */
    private Map<String, List<Integer>> positionsByPlace() {
        Map<String, List<Integer>> positions = new HashMap<>();
        for (int k = 0; k < flags.size(); k++) {
            positions.computeIfAbsent(flags.get(k).place(), p -> new ArrayList<>()).add(k);
        }
        return positions;
    }

    /** The flags that name layer {@code l} or one of its params, in the order of {@link #flags}. */
    private List<Flag> flagsOf(LayerStats l, Map<String, List<Integer>> positions) {
        Set<String> places = new LinkedHashSet<>();
        places.add(l.name());
        l.params().forEach(p -> places.add(p.name()));
        List<Integer> mine = new ArrayList<>();
        for (String place : places) {
            mine.addAll(positions.getOrDefault(place, List.of()));
        }
        Collections.sort(mine);
        return mine.stream().map(flags::get).toList();
    }

    private static ObjectNode entry(String name, List<Flag> mine) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("name", name);
        c.put("passed", mine.isEmpty());
        c.put("status", mine.isEmpty() ? "pass" : "fail");
        c.putNull("max_abs_error");
        c.putNull("max_rel_error");
        c.putArray("worst");
        if (mine.isEmpty()) {
            c.putNull("diagnosis");
        } else {
            c.put("diagnosis", String.join("; ", mine.stream().map(f -> f.kind().label() + ": " + f.detail()).toList()));
        }
        return c;
    }

    private void flagArray(ObjectNode o, List<Flag> fs) {
        ArrayNode a = o.putArray("flags");
        for (Flag f : fs) {
            flagJson(a, f, anomalyOf(f));
        }
    }

    /** The anomaly {@code f} reports (a {@code nan}, {@code inf} or {@code exploding} flag of the anomaly pass), or null. */
    NodeAnomaly anomalyOf(Flag f) {
        for (NodeAnomaly a : anomalies) {
            if (a.flag().equals(f)) {
                return a;
            }
        }
        return null;
    }

    /**
     * One flag's JSON: {@code kind}, {@code layer}, {@code detail}, and for a flag that reports an
     * anomaly, its structured form ({@link NodeAnomaly#toJson}) as {@code anomaly}.
     */
    static void flagJson(ArrayNode into, Flag f, NodeAnomaly anomaly) {
        ObjectNode fn = into.addObject();
        fn.put("kind", f.kind().label());
        fn.put("layer", f.place());
        fn.put("detail", f.detail());
        if (anomaly != null) {
            anomaly.toJson(fn.putObject("anomaly"));
        }
    }

    private static void shape(ObjectNode o, String key, dev.gradcheck.engine.Shape s) {
        ArrayNode a = o.putArray(key);
        for (int d : s.dims()) {
            a.add(d);
        }
    }

    /** A number when it applies, else null. */
    private static void applicable(ObjectNode o, String key, boolean applies, double v) {
        if (applies) {
            num(o, key, v);
        } else {
            o.putNull(key);
        }
    }

    /** An optional number: null when it does not apply (NaN). */
    private static void opt(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            num(o, key, v);
        }
    }

    /** A number, or the strings "NaN", "Infinity", "-Infinity" (as the checker's report; valid JSON). */
    private static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.put(key, "NaN");
        } else if (Double.isInfinite(v)) {
            o.put(key, v > 0 ? "Infinity" : "-Infinity");
        } else {
            o.put(key, v);
        }
    }

    @Override
    public String toString() {
        return toText();
    }
}
