package dev.gradcheck.model;

import static dev.gradcheck.model.JsonFields.shortJson;
import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands the {@code layers} shorthand of a JSON model file into params and nodes: a
 * {@code linear} layer (a keyword of the model format, not an op) becomes {@code linear} with a
 * weight {@code i.weight} of shape [out, in] and a bias {@code i.bias}, both initialised as
 * PyTorch's {@code nn.Linear}; any other layer is a one-input op with its other keys as
 * attributes; the {@code loss} op takes the last layer's output and the {@code target}.
 */
final class LayersShorthand {
    /** The name of the loss node, the model's output. */
    static final String OUTPUT = "loss";

    private final JsonSource src;
    private final JsonFields fields;
    private final JsonAttributes attributes;
    private final Limits limits;
    private final GraphBuilder graph;

    LayersShorthand(JsonFields fields, JsonAttributes attributes, Limits limits, GraphBuilder graph) {
        this.src = fields.source();
        this.fields = fields;
        this.attributes = attributes;
        this.limits = limits;
        this.graph = graph;
    }

    /** Adds the layers' params to {@code params} and their nodes, then the loss node, to {@code drafts}. */
    void expand(JsonNode root, Map<String, TensorSpec> params, List<NodeDraft> drafts) {
        String input = inputRef(root, "input");
        String target = inputRef(root, "target");
        JsonNode layers = root.get("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw src.fail("/layers", null, "layers must be a non-empty list of {type, …}, got " + shortJson(layers));
        }
        String cur = input;
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String p = ptr("/layers", i);
            if (!l.isObject() || !l.has("type") || !l.get("type").isTextual()) {
                throw src.fail(p, null, "a layer must be an object with a \"type\" (\"linear\" or a one-input op name), "
                        + "got " + shortJson(l));
            }
            String type = l.get("type").asText();
            String out = "h" + i;
            List<String> ins;
            Map<String, Object> attrs = new LinkedHashMap<>();
            if (type.equals("linear")) {
                ins = linear(l, p, i, out, cur, params);
            } else {
                OpDef op = OpRegistry.contains(type) ? OpRegistry.get(type) : null;
                if (op != null && op.minArity() > 1) {
                    throw src.fail(ptr(p, "type"), out, "layer type '" + type + "' takes " + op.arityText()
                            + " inputs; a layer is \"linear\" or a one-input op (write such a model with nodes)");
                }
                l.properties().forEach(e -> {
                    if (!e.getKey().equals("type")) {
                        attrs.put(e.getKey(), op == null ? null : attributes.value(e.getValue(), ptr(p, e.getKey()),
                                out, op));
                    }
                });
                ins = List.of(cur);
            }
            drafts.add(new NodeDraft(out, type, ins, NodeDraft.Attributes.of(attrs), p, ptr(p, "type"), p, p));
            cur = out;
        }
        drafts.add(loss(root.get("loss"), cur, target));
    }

    /** A linear layer's params, added; its inputs. */
    private List<String> linear(JsonNode l, String p, int i, String out, String cur, Map<String, TensorSpec> params) {
        fields.checkKeys(l, p, Set.of("type", "in", "out", "bias"), "key of a linear layer");
        int in = positive(l, p, "in");
        int outF = positive(l, p, "out");
        boolean bias = true;
        if (l.has("bias")) {
            if (!l.get("bias").isBoolean()) {
                throw src.fail(ptr(p, "bias"), out, "bias must be true or false, got " + shortJson(l.get("bias")));
            }
            bias = l.get("bias").booleanValue();
        }
        // nn.Linear's default init: weight and bias uniform in ±1/sqrt(in)
        double bound = 1 / Math.sqrt(in);
        List<String> ins = new ArrayList<>(List.of(cur, i + ".weight"));
        param(params, i + ".weight", Shape.of(outF, in), bound, p);
        if (bias) {
            param(params, i + ".bias", Shape.of(outF), bound, p);
            ins.add(i + ".bias");
        }
        return ins;
    }

    private NodeDraft loss(JsonNode loss, String last, String target) {
        String lossOp;
        Map<String, Object> lossAttrs = new LinkedHashMap<>();
        if (loss.isTextual()) {
            lossOp = loss.asText();
        } else if (loss.isObject() && loss.has("op") && loss.get("op").isTextual()) {
            lossOp = loss.get("op").asText();
            OpDef op = OpRegistry.contains(lossOp) ? OpRegistry.get(lossOp) : null;
            loss.properties().forEach(e -> {
                if (!e.getKey().equals("op")) {
                    lossAttrs.put(e.getKey(), op == null ? null : attributes.value(e.getValue(),
                            ptr("/loss", e.getKey()), OUTPUT, op));
                }
            });
        } else {
            throw src.fail("/loss", OUTPUT, "loss must be an op name such as \"cross_entropy\" or {\"op\": …, "
                    + "\"reduction\": …}, got " + shortJson(loss));
        }
        String lossPtr = loss.isTextual() ? "/loss" : "/loss/op";
        return new NodeDraft(OUTPUT, lossOp, List.of(last, target), NodeDraft.Attributes.of(lossAttrs), "/loss",
                lossPtr, "/loss", "/loss");
    }

    private void param(Map<String, TensorSpec> params, String name, Shape shape, double bound, String p) {
        graph.declare(name, p);
        TensorSpec spec = new TensorSpec(name, true, shape, DType.FLOAT64, new InitSpec.Uniform(-bound, bound), p);
        graph.addLeaf(spec);
        params.put(name, spec);
    }

    private int positive(JsonNode l, String p, String key) {
        JsonNode v = l.get(key);
        if (v == null) {
            throw src.fail(p, null, "a linear layer needs \"" + key + "\" (features)");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0
                || v.intValue() > limits.maxElementsPerTensor()) {
            throw src.fail(ptr(p, key), null, "linear \"" + key + "\" must be a positive integer, got " + shortJson(v));
        }
        return v.intValue();
    }

    /** The name of an entry of {@code inputs} given at {@code key} ({@code input}, {@code target}). */
    private String inputRef(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (!v.isTextual()) {
            throw src.fail("/" + key, null, key + " must name an entry of inputs, got " + shortJson(v));
        }
        String name = v.asText();
        TensorSpec spec = graph.leaf(name);
        if (spec == null || spec.param()) {
            throw src.fail("/" + key, name, key + " '" + name + "' is not an entry of inputs" + graph.didYouMean(name));
        }
        return name;
    }
}
