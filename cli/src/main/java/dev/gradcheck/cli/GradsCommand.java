package dev.gradcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Evaluation;
import dev.gradcheck.io.TensorFiles;
import dev.gradcheck.report.TerminalText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck grads}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.CHECK_FAILED, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR})
@Command(name = "grads", mixinStandardHelpOptions = true,
        header = "Export the model's reference gradients to a .npz or .safetensors file.",
        description = {"Exports the reference gradients of the model's output, one array per param (or --wrt tensor), to a NumPy .npz or a .safetensors file (by the extension of --out).",
            "A loss or gradient that is NaN or infinite is no reference: nothing is written, and the report names each such gradient and the node whose op produced the first NaN or infinity (exit 1)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck grads examples/tiny-mlp.json --out tiny-mlp-grads.npz"
        })
public final class GradsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    ModelMixin model;

    @Mixin
    EngineMixin engine;

    @Mixin
    OutputMixin output;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = "--out", paramLabel = "G.npz", required = true,
            description = "The file to write, .npz or .safetensors by its extension (one float64 array per param, "
                    + "named as in the model).")
    Path out;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            output.ensureWritable();
            return grads();
        });
    }

    private int grads() throws IOException {
        SafeFiles.checkWritable("--out", out, output.force());
        try {
            TensorFiles.writable(out);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--out " + e.getMessage());
        }
        long t0 = System.nanoTime();
        LoadedModel lm = LoadedModel.load(model, engine);
        Reference ref = Reference.of(lm);
        Map<String, Tensor> grads = ref.gradients();
        List<NonFiniteGradient> nonFinite = NonFiniteGradient.in(grads);
        if (!nonFinite.isEmpty() || !Double.isFinite(ref.loss())) {
            return notWritten(lm, grads, nonFinite, ref.loss(), t0);
        }
        SafeFiles.write("--out", out, output.force(), tmp -> TensorFiles.write(tmp, out, grads));
        if (output.json()) {
            RunFacts facts = facts(lm, TextNode.valueOf(out.toString()), grads, null);
            CheckReport report = new CheckReport("grads", lm.seed(), (System.nanoTime() - t0) / 1e6, List.of())
                    .withNotes(lm.notes());
            return Reports.emit(spec, output, Main.terminal(main), null, report, facts);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("wrote ").append(grads.size()).append(" gradient").append(grads.size() == 1 ? "" : "s")
                .append(" of '").append(TerminalText.escape(lm.model().output())).append("' (model ")
                .append(TerminalText.escape(lm.model().name()))
                .append(", seed ").append(lm.seed()).append(") to ").append(out).append('\n');
        sb.append(ModelNotes.text(lm.notes()));
        for (Map.Entry<String, Tensor> e : grads.entrySet()) {
            sb.append("  ").append(TerminalText.escape(e.getKey())).append("  ").append(e.getValue().shape()).append('\n');
        }
        ReportOutput.write(spec.commandLine().getOut(), output.output(), output.force(), sb.toString());
        return ExitCodes.PASS;
    }

    /** The reference gradients and the loss they are of; the evaluation's other tensors are let go. */
    private record Reference(Map<String, Tensor> gradients, double loss) {
        static Reference of(LoadedModel lm) {
            Evaluation ev = lm.model().evaluate(lm.values(), lm.wrt());
            return new Reference(ev.gradients(), ev.loss().item());
        }
    }

    /**
     * A loss or gradient that is NaN or infinite is no reference: nothing is written (a file of
     * NaN would pass for good gradients to a later {@code compare}), and the report fails, naming
     * where the anomaly pass saw the first NaN or infinity born and each gradient that holds one.
     */
    private int notWritten(LoadedModel lm, Map<String, Tensor> grads, List<NonFiniteGradient> nonFinite, double loss,
            long t0) {
        AnomalyPass pass = AnomalyPass.nonFinite(lm);
        List<CheckResult> results = new ArrayList<>(pass.results());
        for (NonFiniteGradient g : nonFinite) {
            results.add(CheckResult.builder(g.name()).status(Status.ERROR).shape(g.shape().dims()).seed(lm.seed())
                    .error("gradient not finite, not written: " + g.describe(), null).build());
        }
        if (results.isEmpty()) {
            // a NaN loss whose producer the pass did not see (and whose gradients are finite): still no reference
            results.add(CheckResult.builder(lm.model().output()).status(Status.ERROR).seed(lm.seed())
                    .error("the loss is " + loss + ": its gradients are not written", null).build());
        }
        RunFacts facts = facts(lm, NullNode.getInstance(), grads, nonFinite);
        pass.first().ifPresent(a -> facts.anomalies.put(a.node(), a));
        ObjectNode lossField = MAPPER.createObjectNode();
        RunFacts.number(lossField, "loss", loss);
        facts.fields.put("loss", lossField.get("loss"));
        String lossText = "the loss is " + loss;
        String what = nonFinite.isEmpty() ? lossText : nonFinite.size() + " of " + grads.size() + " gradient"
                + (grads.size() == 1 ? "" : "s") + " not finite" + (Double.isFinite(loss) ? "" : ", " + lossText);
        String header = "model '" + lm.model().name() + "' (" + model.modelAsGiven() + "): d " + lm.model().output() + " / d "
                + String.join(", ", lm.wrt()) + ", seed " + lm.seed() + ": " + what + "; nothing written to " + out
                + (Files.exists(out) ? " (the file already there is left as it was: it does not hold these gradients)"
                        : "")
                + (pass.first().isPresent() ? "" : "; the anomaly pass found no op that produced a NaN or infinity");
        CheckReport report = new CheckReport("grads", lm.seed(), (System.nanoTime() - t0) / 1e6, results)
                .withNotes(lm.notes());
        return Reports.emit(spec, output, Main.terminal(main), header, report, facts);
    }

    /**
     * The run's facts with the {@code file} field ({@code file}: the file written, or null) and
     * the {@code gradients} field: each gradient's name and shape, and when nothing was written
     * ({@code nonFinite} not null), each one's count of NaN or infinite entries and the first
     * one's index (null when it has none).
     */
    private RunFacts facts(LoadedModel lm, JsonNode file, Map<String, Tensor> grads, List<NonFiniteGradient> nonFinite) {
        RunFacts facts = RunFacts.of(model.modelAsGiven(), lm.model().output(), lm.wrt(), engine.threads());
        facts.reportNotes = lm.notes();
        facts.fields.put("file", file);
        ArrayNode list = MAPPER.createArrayNode();
        for (Map.Entry<String, Tensor> e : grads.entrySet()) {
            ObjectNode g = list.addObject();
            g.put("name", e.getKey());
            ArrayNode shape = g.putArray("shape");
            for (int d : e.getValue().shape().dims()) {
                shape.add(d);
            }
            if (nonFinite != null) {
                NonFiniteGradient bad = nonFinite.stream().filter(n -> n.name().equals(e.getKey())).findFirst()
                        .orElse(null);
                g.put("non_finite", bad == null ? 0 : bad.nonFinite());
                if (bad == null) {
                    g.putNull("first_non_finite");
                } else {
                    ArrayNode first = g.putArray("first_non_finite");
                    for (int i : bad.firstIndex()) {
                        first.add(i);
                    }
                }
            }
        }
        facts.fields.put("gradients", list);
        return facts;
    }
}
