package dev.gradcheck.cli;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.cli.graph.DotWriter;
import dev.gradcheck.cli.graph.GraphNode;
import dev.gradcheck.cli.graph.Summary;
import dev.gradcheck.engine.Anomaly;
import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.health.AnomalyScan;
import dev.gradcheck.health.NodeAnomaly;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Evaluation;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import dev.gradcheck.model.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck graph}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR})
@Command(name = "graph", mixinStandardHelpOptions = true,
        header = "Print the model's graph as Graphviz DOT, with values and gradients.",
        description = {"Prints the model's graph in Graphviz DOT: one node per tensor or op with name, op (non-default "
                + "attributes only), shape, a value summary and a gradient summary; edges name the operand they feed "
                + "(0 input, 1 other); the node that produced a NaN or Inf is marked apart from the nodes that only "
                + "carry it (checks that errored because the output is NaN among them); failing checks outlined, passes "
                + "that compared zeros with zeros marked so. Colour-blind-safe colours. Render it with dot -Tsvg."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck graph examples/tiny-mlp.json -o tiny-mlp.dot",
            "  dot -Tsvg tiny-mlp.dot -o tiny-mlp.svg",
            "  gradcheck graph examples/tiny-mlp.json --check | dot -Tsvg > tiny-mlp.svg"
        })
public final class GraphCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    ModelMixin model;

    @Mixin
    CheckMixin check;

    @Mixin
    OutputMixin output;

    @Mixin
    ProgressMixin progress;

    @Option(names = "--check", description = "Run the gradient check first and colour the checked tensors by its result; "
            + "exit 1 when a check fails.")
    boolean runCheck;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            output.ensureWritable();
            return graph();
        });
    }

    private int graph() {
        if (output.json()) {
            throw new UsageException("--format json: graph prints Graphviz DOT; use check --format json for the report");
        }
        LoadedModel lm = LoadedModel.load(model, check.engine());
        Model m = lm.model();
        Evaluation ev = m.evaluate(lm.values(), lm.wrt());
        Map<String, Tensor> grads = gradientsOfEveryTensor(ev);
        Map<String, CheckResult> checks = new HashMap<>();
        boolean passed = true;
        if (runCheck) {
            Terminal terminal = Main.terminal(main);
            CheckOptions options = check.toOptions(lm.seed(), "graph", null);
            try (ProgressBar bar = ModelChecks.progressBar(spec.commandLine().getErr(), progress.when(terminal), lm,
                    options)) {
                for (CheckResult r : ModelChecks.run(lm, options.withMonitor(bar))) {
                    checks.put(r.name(), r);
                    passed &= r.passed();
                }
            }
        }
        // where a NaN or Inf was born (forward or backward), apart from the nodes that only carry it
        Map<String, String> produced = new HashMap<>();
        for (NodeAnomaly a : AnomalyScan.run(m, lm.values(), lm.wrt()).anomalies()) {
            produced.merge(a.node(), a.anomaly().kind().label() + (a.anomaly().phase() == Anomaly.Phase.FORWARD
                    ? " in the forward pass" : " in the backward pass"), (x, y) -> x + ", " + y);
        }
        List<GraphNode> nodes = new ArrayList<>();
        for (TensorSpec s : m.inputs().values()) {
            nodes.add(leaf(s, "input", ev, grads, checks, produced.get(s.name())));
        }
        for (TensorSpec s : m.params().values()) {
            nodes.add(leaf(s, "param", ev, grads, checks, produced.get(s.name())));
        }
        for (TensorSpec s : m.constants().values()) {
            nodes.add(leaf(s, "constant", ev, grads, checks, produced.get(s.name())));
        }
        for (NodeSpec n : m.nodes()) {
            Tensor g = grads.get(n.name());
            List<String> operands = new ArrayList<>();
            for (int i = 0; i < n.inputs().size(); i++) {
                operands.add(n.op().input(i).name());
            }
            nodes.add(new GraphNode(n.name(), "op", n.op().name() + attrs(n), n.inputs(), operands,
                    m.shape(n.name()).toString(), Summary.of(ev.tensor(n.name()).data()),
                    g == null ? null : Summary.of(g.data()), null, null, produced.get(n.name())));
        }
        // the model's notes as DOT comments, which Graphviz ignores
        String notes = ModelNotes.text(m.notes()).replaceAll("(?m)^note: ", "// note: ");
        ReportOutput.write(spec.commandLine().getOut(), output.output(), output.force(),
                notes + DotWriter.write(m.name(), m.output(), nodes));
        return ExitCodes.of(passed);
    }

    private static GraphNode leaf(TensorSpec s, String kind, Evaluation ev, Map<String, Tensor> grads,
            Map<String, CheckResult> checks, String produced) {
        Tensor g = grads.get(s.name());
        CheckResult c = checks.get(s.name());
        String detail = null;
        if (c != null && c.status() == Status.ERROR && c.error() != null) {
            // no figures were measured: the reason instead (a NaN forward, user code that threw);
            // DotWriter wraps it at spaces
            detail = c.error();
        } else if (c != null) {
            detail = String.format(Locale.ROOT, "max abs %.3g, max rel %.3g", c.maxAbsError(), c.maxRelError());
            if (c.diagnosis() != null) {
                detail += "\n" + c.diagnosis();
            }
        }
        return new GraphNode(s.name(), kind, null, List.of(), List.of(), s.shape().toString(),
                Summary.of(ev.tensor(s.name()).data()), g == null ? null : Summary.of(g.data()),
                c == null ? null : c.status().label(), detail, produced);
    }

    /** The attributes that differ from the op's defaults, e.g. {@code {dim=1}}; nothing when all are defaults. */
    static String attrs(NodeSpec n) {
        StringBuilder sb = new StringBuilder();
        n.attrsBesideDefaults().forEach((name, v) -> sb.append(sb.length() == 0 ? "{" : ", ").append(name).append('=')
                .append(Attrs.render(v)));
        return sb.length() == 0 ? "" : " " + sb.append('}');
    }

    /** The loss's gradient w.r.t. every tensor on a path from a differentiated leaf, by name. */
    private static Map<String, Tensor> gradientsOfEveryTensor(Evaluation ev) {
        Map<String, Tensor> connected = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : ev.tensors().entrySet()) {
            if (e.getValue().isGradRequired()) {
                connected.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Tensor> out = new HashMap<>();
        if (connected.isEmpty() || !ev.loss().isGradRequired()) {
            return out;
        }
        List<String> names = new ArrayList<>(connected.keySet());
        Tensor[] g = Autograd.grad(ev.loss(), null, false, connected.values().toArray(Tensor[]::new));
        for (int i = 0; i < g.length; i++) {
            out.put(names.get(i), g[i]);
        }
        return out;
    }
}
