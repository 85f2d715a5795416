package dev.gradcheck.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.health.ShapeReport;
import dev.gradcheck.health.ShapeRow;
import dev.gradcheck.health.Shapes;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.ModelUsageException;
import dev.gradcheck.report.TerminalText;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck shapes}. */
@ExitsWith({ExitCodes.PASS, ExitCodes.USAGE, ExitCodes.INVALID_FILE, ExitCodes.INTERNAL_ERROR})
@Command(name = "shapes", mixinStandardHelpOptions = true,
        header = "Infer every node's shape statically, computing nothing.",
        description = {"Static shape inference over the whole model, computing nothing: a table of every node's op, "
                + "input shapes, output shape and param count; or, at the first mismatch, the node, the op, both full "
                + "shapes and a hint where one exists (e.g. \"transposing W1 ([16, 4] → [4, 16]) would fit\")."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck shapes examples/tiny-mlp.json",
            "  gradcheck shapes model.json --format json -o shapes.json"
        })
public final class ShapesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file: gradcheck-model/1 JSON or ONNX (told by content).")
    Path model;

    @Option(names = "--values", paramLabel = "V.npz",
            description = "For an ONNX model: tensors whose shapes set its symbolic dimensions (batch), and the --target; may be repeated, each name in one file.")
    java.util.List<Path> values = new java.util.ArrayList<>();

    @Mixin
    LossMixin loss = new LossMixin();

    @Mixin
    OutputMixin output;


    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), this::shapes);
    }

    private int shapes() {
        HealthOutput.checkWritable(output.output(), output.force(), "--output");
        long t0 = System.nanoTime();
        ShapeReport r;
        try {
            r = Shapes.of(model, Limits.DEFAULT, loss.options(Limits.DEFAULT, values));
        } catch (ModelUsageException e) {
            throw new UsageException(e.getMessage());
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        String body = output.json() ? HealthOutput.json(json(r, ms, GivenPaths.of(spec, model))) : r.toText();
        HealthOutput.emit(spec.commandLine().getOut(), output.output(), output.force(), body);
        if (r.ok()) {
            return ExitCodes.PASS;
        }
        // stderr repeats the mismatch where the report is not seen: a file, JSON, a pipe
        boolean reportOnScreen = !output.json() && output.output() == null && Main.terminal(main).oneScreen();
        if (!reportOnScreen) {
            spec.commandLine().getErr().println("gradcheck shapes: error: " + TerminalText.escape(r.mismatch().message()
                    + (r.mismatch().hint() != null ? " (hint: " + r.mismatch().hint() + ")" : "")));
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.INVALID_FILE;
    }

    /** DESIGN.md's report shape, one {@code checks} entry per node (the mismatch last, failed). */
    static ObjectNode json(ShapeReport r, double ms, String model) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("tool", CheckReport.TOOL);
        root.put("version", CheckReport.VERSION);
        root.put("command", "shapes");
        root.put("passed", r.ok());
        root.put("elapsed_ms", ms);
        root.put("seed", 0);
        RunFacts.of(model, null, null, null).putTopLevel(root);
        ModelNotes.json(root, r.notes());
        ArrayNode checks = root.putArray("checks");
        for (ShapeRow row : r.rows()) {
            ObjectNode c = entry(checks, row, true, null);
            c.put("params", row.paramCount());
        }
        if (!r.ok()) {
            ObjectNode c = entry(checks, r.mismatch().row(), false, r.mismatch().problem());
            c.put("hint", r.mismatch().hint());
            c.put("pointer", r.mismatch().pointer());
        }
        return root;
    }

    private static ObjectNode entry(ArrayNode checks, ShapeRow row, boolean ok, String diagnosis) {
        ObjectNode c = checks.addObject();
        c.put("name", row.node());
        c.put("passed", ok);
        c.put("status", ok ? "pass" : "fail");
        c.putNull("max_abs_error");
        c.putNull("max_rel_error");
        c.putArray("worst");
        c.put("diagnosis", diagnosis);
        c.put("op", row.op());
        ArrayNode ins = c.putArray("inputs");
        for (int i = 0; i < row.inputs().size(); i++) {
            ObjectNode in = ins.addObject();
            in.put("name", row.inputs().get(i));
            shape(in, i < row.inputShapes().size() ? row.inputShapes().get(i) : null);
        }
        if (row.output() != null) {
            ArrayNode o = c.putArray("shape");
            for (int d : row.output().dims()) {
                o.add(d);
            }
        }
        return c;
    }

    private static void shape(ObjectNode o, Shape s) {
        if (s == null) {
            o.putNull("shape");
            return;
        }
        ArrayNode a = o.putArray("shape");
        for (int d : s.dims()) {
            a.add(d);
        }
    }
}
