package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.engine.op.AttrSpec;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.cli.VersionProvider;
import dev.gradcheck.report.Report;
import java.util.List;
import java.util.Locale;

/** What {@code ops --list} prints: the registered ops with their inputs and attributes, as text or JSON. */
public final class OpList {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OpList() {
    }

    /** One line per op, {@code name(input, mask:const, target:int64, ...) attrs  [kinks: ...]}, then the count. */
    public static String text(List<OpDef> ops) {
        StringBuilder sb = new StringBuilder();
        for (OpDef op : ops) {
            sb.append(op.name()).append('(');
            List<InputSpec> inputs = listedInputs(op);
            for (int i = 0; i < inputs.size(); i++) {
                InputSpec in = inputs.get(i);
                sb.append(i == 0 ? "" : ", ").append(in.name()).append(in.optional() ? "?" : "")
                        .append(switch (in.kind()) {
                            case REAL -> "";
                            case CONSTANT -> ":const";
                            case INDEX -> ":int64";
                            case INDEX_OR_REAL -> ":int64|float64";
                            case ANY -> ":float64|int64";
                        });
            }
            if (op.variadic()) {
                sb.append(", ...");
            }
            sb.append(')');
            if (!op.attrs().isEmpty()) {
                sb.append(' ').append(String.join(", ", op.attrs().keySet()));
            }
            if (hasKinks(op)) {
                sb.append("  [kinks: ").append(op.kinks()).append(']');
            }
            sb.append('\n');
        }
        return sb.append(ops.size()).append(" ops\n").toString();
    }

    /**
     * {@code {"tool", "version", "command": "ops", "ops": [{"name", "summary", "inputs": [{"name", "kind",
     * "optional"}], "variadic", "attrs": [{"name", "type", "required", "default", "choices"}],
     * "kinks"}]}}; kind is real, constant, int64, int64_or_real (int64 indices, or float64 values
     * of the first input's shape that get gradients: cross_entropy's target) or real_or_int64
     * (values an op only moves, float64 with a gradient or int64 without); default and kinks are
     * null when there is none.
     */
    public static String json(List<OpDef> ops) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", Report.TOOL).put("version", VersionProvider.version()).put("command", "ops");
        ArrayNode list = root.putArray("ops");
        for (OpDef op : ops) {
            ObjectNode o = list.addObject().put("name", op.name()).put("summary", op.summary());
            ArrayNode inputs = o.putArray("inputs");
            for (InputSpec in : listedInputs(op)) {
                inputs.addObject().put("name", in.name())
                        .put("kind", kindLabel(in.kind()))
                        .put("optional", in.optional());
            }
            o.put("variadic", op.variadic());
            ArrayNode attrs = o.putArray("attrs");
            for (AttrSpec a : op.attrs().values()) {
                ObjectNode attr = attrs.addObject().put("name", a.name()).put("type", a.type().name().toLowerCase(Locale.ROOT))
                        .put("required", a.required());
                attr.set("default", MAPPER.valueToTree(a.defaultValue()));
                attr.set("choices", MAPPER.valueToTree(a.choices()));
            }
            if (hasKinks(op)) {
                o.put("kinks", op.kinks());
            } else {
                o.putNull("kinks");
            }
        }
        try {
            return MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kindLabel(InputSpec.Kind kind) {
        return switch (kind) {
            case INDEX -> "int64";
            case INDEX_OR_REAL -> "int64_or_real";
            case ANY -> "real_or_int64";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The declared inputs shown: no more than the op takes. */
    private static List<InputSpec> listedInputs(OpDef op) {
        return op.inputs().subList(0, Math.min(op.maxArity(), op.inputs().size()));
    }

    private static boolean hasKinks(OpDef op) {
        return op.kinks() != null && !op.kinks().isBlank();
    }
}
