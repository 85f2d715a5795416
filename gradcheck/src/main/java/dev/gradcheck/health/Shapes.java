package dev.gradcheck.health;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelLoader;
import dev.gradcheck.model.NodeSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static shape inference over a whole model file, computing nothing: every node's input and
 * output shapes and param count, or the first mismatch with both full shapes and, where one
 * exists, a hint that would make them fit (transposing a param or input, swapping two inputs,
 * adding a trailing dimension).
 *
 * <pre>{@code
 * ShapeReport r = Shapes.of(Path.of("model.json"));
 * if (!r.ok()) System.out.println(r.mismatch().hint());   // transposing W1 ([16, 4] → [4, 16]) would fit
 * }</pre>
 */
public final class Shapes {
    private Shapes() {
    }

    /** With the default {@link Limits}. */
    public static ShapeReport of(Path file) {
        return of(file, Limits.DEFAULT);
    }

    /**
     * The shape report of {@code file}.
     *
     * @throws ModelFileException when the file is invalid for a reason other than a shape mismatch
     */
    public static ShapeReport of(Path file, Limits limits) {
        return of(file, limits, LoadOptions.NONE);
    }

    /**
     * The shape report of {@code file}, read with {@code options} (an ONNX graph's symbolic
     * dimensions, its loss).
     *
     * @throws ModelFileException when the file is invalid for a reason other than a shape mismatch
     * @throws dev.gradcheck.model.ModelUsageException when the options do not fit the model
     */
    public static ShapeReport of(Path file, Limits limits, LoadOptions options) {
        Model model;
        try {
            model = ModelLoader.load(file, limits, options);
        } catch (ModelFileException e) {
            // the loader keeps the shape rule's exception as the cause: a ShapeException, or an
            // IllegalArgumentException for shapes that do not fit an attribute (a kernel larger than the input)
            if (!(e.getCause() instanceof IllegalArgumentException) || e.node() == null) {
                throw e;
            }
            return mismatch(file, e);
        }
        return report(model);
    }

    /** The rows of a loaded (valid) model. */
    public static ShapeReport report(Model model) {
        List<ShapeRow> rows = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        for (NodeSpec n : model.nodes()) {
            List<Shape> in = new ArrayList<>();
            long params = 0;
            for (String i : n.inputs()) {
                in.add(model.shape(i));
                if (model.params().containsKey(i) && counted.add(i)) {
                    params += model.shape(i).size();
                }
            }
            rows.add(new ShapeRow(n.name(), n.op().name(), n.inputs(), in, n.shape(), params));
        }
        return new ShapeReport(model.file(), model.name(), rows, null, model.output(), model.shape(model.output()),
                model.notes());
    }

    /**
     * The report of a model that failed at {@code e}: the rows before it and the mismatch. The
     * failing node's op and inputs come from the raw JSON graph; for a file that has none (an ONNX
     * model) the row holds the node alone (op null) and the message says the rest.
     */
    private static ShapeReport mismatch(Path file, ModelFileException e) {
        Map<String, Shape> shapes = e.shapesSoFar();
        RawGraph g;
        try {
            g = RawGraph.read(file);
        } catch (IOException | RuntimeException io) {
            // the loader read it a moment ago; without the raw nodes there is still the message
            ShapeRow row = new ShapeRow(e.node(), null, List.of(), List.of(), null, 0);
            return new ShapeReport(file, null, List.of(), new ShapeMismatch(row, e.pointer(), e.problem(), null,
                    e.getMessage()), null, null);
        }
        List<ShapeRow> rows = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        for (RawGraph.RawNode n : g.nodes) {
            List<Shape> in = n.inputs().stream().map(shapes::get).toList();
            if (n.name().equals(e.node())) {
                String hint = hint(n, in, g.params);
                ShapeRow row = new ShapeRow(n.name(), n.op(), n.inputs(), in, null, 0);
                return new ShapeReport(file, null, rows, new ShapeMismatch(row, e.pointer(), e.problem(), hint,
                        e.getMessage()), null, null);
            }
            long params = 0;
            for (String i : n.inputs()) {
                if (g.params.contains(i) && counted.add(i) && shapes.get(i) != null) {
                    params += shapes.get(i).size();
                }
            }
            rows.add(new ShapeRow(n.name(), n.op(), n.inputs(), in, shapes.get(n.name()), params));
        }
        ShapeRow row = new ShapeRow(e.node(), null, List.of(), List.of(), null, 0);
        return new ShapeReport(file, null, rows, new ShapeMismatch(row, e.pointer(), e.problem(), null, e.getMessage()),
                null, null);
    }

    /**
     * A change of one input's shape (or of the inputs' order) under which the op's shape rule
     * accepts the inputs, in words; null when none of the tried changes fits. Params are tried
     * first (transposed, or a 1-d one given a trailing dimension), since a wrongly declared param
     * is the usual cause; then swapping two inputs; then the same changes to other inputs.
     */
    static String hint(RawGraph.RawNode n, List<Shape> in, Set<String> params) {
        if (!OpRegistry.contains(n.op()) || in.contains(null)) {
            return null;
        }
        OpDef op = OpRegistry.get(n.op());
        Attrs attrs;
        try {
            attrs = op.resolve(Attrs.fromMap(n.attrs()));
        } catch (RuntimeException ex) {
            return null;
        }
        // params first (a wrongly declared param is the usual cause), then swapping, then the rest
        for (int i = 0; i < in.size(); i++) {
            if (params.contains(n.inputs().get(i))) {
                String h = reshapeHint(op, n, in, i, attrs);
                if (h != null) {
                    return h;
                }
            }
        }
        if (in.size() == 2 && fits(op, List.of(in.get(1), in.get(0)), -1, null, attrs)) {
            return "swapping the inputs of " + n.op() + " ('" + n.inputs().get(1) + "' first, then '"
                    + n.inputs().get(0) + "') would fit";
        }
        for (int i = 0; i < in.size(); i++) {
            if (!params.contains(n.inputs().get(i))) {
                String h = reshapeHint(op, n, in, i, attrs);
                if (h != null) {
                    return h;
                }
            }
        }
        return null;
    }

    /** Transposing input {@code i}'s last two dimensions, or giving a 1-d input a trailing one. */
    private static String reshapeHint(OpDef op, RawGraph.RawNode n, List<Shape> in, int i, Attrs attrs) {
        Shape s = in.get(i);
        if (s.rank() >= 2) {
            Shape t = s.with(s.rank() - 1, s.dim(s.rank() - 2)).with(s.rank() - 2, s.dim(s.rank() - 1));
            if (fits(op, in, i, t, attrs)) {
                return "transposing " + n.inputs().get(i) + " (" + s + " → " + t + ") would fit";
            }
        }
        if (s.rank() == 1) {
            Shape t = Shape.of(s.dim(0), 1);
            if (fits(op, in, i, t, attrs)) {
                return "reshaping " + n.inputs().get(i) + " (" + s + " → " + t + ") would fit";
            }
        }
        return null;
    }

    private static boolean fits(OpDef op, List<Shape> in, int replace, Shape with, Attrs attrs) {
        Shape[] s = in.toArray(Shape[]::new);
        if (replace >= 0) {
            s[replace] = with;
        }
        try {
            op.inferShape(s, attrs);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
