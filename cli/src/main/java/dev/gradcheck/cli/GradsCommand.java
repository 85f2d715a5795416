package dev.gradcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.io.TensorFiles;
import dev.gradcheck.report.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck grads}. */
@Command(name = "grads", mixinStandardHelpOptions = true,
        header = "Export the model's reference gradients to a .npz or .safetensors file.",
        description = {"Exports the reference gradients of the model's output, one array per param (or --wrt tensor), to a NumPy .npz or a .safetensors file (by the extension of --out)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
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
    CheckMixin check;

    @Mixin
    OutputMixin output;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
        LoadedModel lm = LoadedModel.load(model, check);
        Map<String, Tensor> grads = lm.model().gradients(lm.values(), lm.wrt());
        SafeFiles.write("--out", out, output.force(), tmp -> TensorFiles.write(tmp, out, grads));
        if (output.json()) {
            ReportOutput.write(spec.commandLine().getOut(), output.output(), output.force(), json(lm, grads, t0));
            return ExitCodes.PASS;
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

    /** The report envelope of DESIGN.md with no checks, plus the file written and what it holds. */
    private String json(LoadedModel lm, Map<String, Tensor> grads, long t0) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "gradcheck");
        root.put("version", VersionProvider.version());
        root.put("command", "grads");
        root.put("passed", true);
        root.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
        root.put("seed", lm.seed());
        RunFacts.of(model.model(), lm.model().output(), lm.wrt(), check.threads()).putTopLevel(root);
        root.putArray("checks");
        ModelNotes.json(root, lm.notes());
        root.put("file", out.toString());
        ArrayNode list = root.putArray("gradients");
        for (Map.Entry<String, Tensor> e : grads.entrySet()) {
            ObjectNode g = list.addObject();
            g.put("name", e.getKey());
            ArrayNode shape = g.putArray("shape");
            for (int d : e.getValue().shape().dims()) {
                shape.add(d);
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
