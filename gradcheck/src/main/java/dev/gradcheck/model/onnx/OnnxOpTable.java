package dev.gradcheck.model.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The ONNX ops the reader converts, by op type: the rows of the families ({@link
 * ElementwiseConverters}, {@link MatrixConverters}, {@link ConvConverters}, {@link PadConverters},
 * {@link NormConverters}, {@link ShapeConverters}, {@link GatherConverters}, {@link
 * ReduceConverters}, {@link FoldingConverters}, {@link ConstantArithmetic}). This table and the op
 * registry are the only
 * places op names are looked up.
 */
public final class OnnxOpTable {
    private static final Map<String, OnnxOp> OPS = build();

    private OnnxOpTable() {
    }

    private static Map<String, OnnxOp> build() {
        List<OnnxOp> all = new ArrayList<>();
        all.addAll(ElementwiseConverters.all());
        all.addAll(MatrixConverters.all());
        all.addAll(ConvConverters.all());
        all.addAll(PadConverters.all());
        all.addAll(NormConverters.all());
        all.addAll(ShapeConverters.all());
        all.addAll(GatherConverters.all());
        all.addAll(ReduceConverters.all());
        all.addAll(FoldingConverters.all());
        all.addAll(ConstantArithmetic.all());
        Map<String, OnnxOp> byType = new TreeMap<>();
        for (OnnxOp op : all) {
            if (byType.put(op.type(), op) != null) {
                throw new IllegalStateException("ONNX op " + op.type() + " is in the table twice");
            }
        }
        return Collections.unmodifiableMap(byType);
    }

    /** The row for ONNX op type {@code type}, or null. */
    static OnnxOp get(String type) {
        return OPS.get(type);
    }

    /** Every row, by op type. */
    static List<OnnxOp> rows() {
        return List.copyOf(OPS.values());
    }

    /** The ONNX op types this build converts (those whose engine ops are all registered), sorted. */
    public static List<String> supported() {
        return OPS.values().stream().filter(o -> o.missingEngineOps().isEmpty()).map(OnnxOp::type)
                .collect(Collectors.toList());
    }

    /**
     * The table as docs/model-format.md prints it: one Markdown row per ONNX op, with the engine
     * ops it becomes and how.
     */
    public static List<String> markdownRows() {
        List<String> out = new ArrayList<>();
        for (OnnxOp o : OPS.values()) {
            String engine = o.engineOps().isEmpty() ? "—" : o.engineOps().stream().map(e -> "`" + e + "`")
                    .collect(Collectors.joining(", "));
            String since = o.since() > 1 ? " (opset " + o.since() + ")" : "";
            out.add("| " + o.type() + since + " | " + engine + " | " + o.mapping() + " |");
        }
        return out;
    }
}
