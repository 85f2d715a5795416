package dev.gradcheck.model;

import static dev.gradcheck.model.JsonFields.kind;
import static dev.gradcheck.model.JsonFields.shortJson;
import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reader of {@code gradcheck-model/1} files (JSON): the text decoded and parsed
 * ({@link JsonSource}, which remembers {@code line:column}), the top level checked (format tag,
 * keys, name, seed, which of the two forms, required keys), the inputs and params read
 * ({@link TensorSpecParser}, {@link InitParser}), the nodes read from {@code nodes} or expanded
 * from the {@code layers} shorthand ({@link LayersShorthand}), and the graph validated by the
 * {@link GraphBuilder}.
 */
public final class JsonModelReader implements ModelReader {
    /** The reader of {@code gradcheck-model/1} JSON files. */
    public JsonModelReader() {
    }

    private static final Set<String> TOP_KEYS = Set.of("format", "name", "description", "seed", "inputs", "params",
            "nodes", "output", "layers", "input", "target", "loss");
    private static final Set<String> NODE_KEYS = Set.of("name", "op", "inputs", "attrs");

    /** True when the first character after a byte order mark and white space opens a JSON object. */
    @Override
    public boolean recognizes(ModelFile file) {
        byte[] b = file.content();
        int i = b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i < b.length && b[i] == '{';
    }

    @Override
    public Model read(ModelFile file) {
        JsonBudget.check(file.content(), file.path(), file.limits()); // before the text is even decoded
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file.content())).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file.path(), null, -1, -1, null, "not valid JSON: the file is not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a UTF-8 byte order mark, as some Windows editors write
        }
        return parse(text, file.path(), file.path().toAbsolutePath().getParent(), file.limits());
    }

    /**
     * Reads a model from JSON text.
     *
     * @param file the name used in messages (may be null)
     * @param baseDir the folder {@code init.file} paths are relative to (null: file inits are refused)
     */
    static Model parse(String json, Path file, Path baseDir, Limits limits) {
        JsonSource src = JsonSource.parse(file, json, limits);
        GraphBuilder graph = new GraphBuilder(src, limits);
        try {
            return new Document(src, limits, baseDir, graph).model();
        } catch (ModelFileException e) {
            throw e.withShapesSoFar(graph.shapesSoFar());
        }
    }

    /** One file's reading: its parts share the source, the limits and the graph being built. */
    private static final class Document {
        private final JsonSource src;
        private final JsonFields fields;
        private final JsonAttributes attributes;
        private final Limits limits;
        private final GraphBuilder graph;
        private final TensorSpecParser tensors;

        Document(JsonSource src, Limits limits, Path baseDir, GraphBuilder graph) {
            this.src = src;
            this.fields = new JsonFields(src);
            this.attributes = new JsonAttributes(src);
            this.limits = limits;
            this.graph = graph;
            this.tensors = new TensorSpecParser(fields, limits, graph,
                    new InitParser(fields, new DataFileAccess(src, limits, baseDir)));
        }

        Model model() {
            JsonNode root = src.root;
            if (!root.isObject()) {
                throw src.fail("", null, "expected a JSON object with \"format\": \"" + ModelLoader.FORMAT
                        + "\", found " + kind(root));
            }
            JsonNode format = root.get("format");
            if (format == null) {
                throw src.fail("", null, "missing \"format\": \"" + ModelLoader.FORMAT
                        + "\" (is this a gradcheck model file?)");
            }
            if (!format.isTextual() || !format.asText().equals(ModelLoader.FORMAT)) {
                throw src.fail("/format", null, "format is " + shortJson(format) + "; this loader reads \""
                        + ModelLoader.FORMAT + "\"");
            }
            fields.checkKeys(root, "", TOP_KEYS, "top-level key");
            String name = fields.optString(root, "", "name", src.file == null ? "model" : stem(src.file));
            fields.optString(root, "", "description", null);
            long seed = 0;
            if (root.has("seed")) {
                JsonNode s = root.get("seed");
                if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                    throw src.fail("/seed", null, "seed must be an integer, got " + shortJson(s));
                }
                seed = s.asLong();
            }
            boolean full = root.has("params") || root.has("nodes") || root.has("output");
            boolean shorthand = root.has("layers") || root.has("input") || root.has("target") || root.has("loss");
            if (full && shorthand) {
                throw src.fail("", null, "give either \"params\" + \"nodes\" + \"output\" or the shorthand \"layers\" + "
                        + "\"input\" + \"target\" + \"loss\", not both");
            }
            List<String> need = shorthand ? List.of("inputs", "layers", "input", "target", "loss")
                    : List.of("inputs", "params", "nodes", "output");
            List<String> missing = need.stream().filter(k -> !root.has(k)).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                throw src.fail("", null, "missing required key" + (missing.size() > 1 ? "s " : " ")
                        + missing.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "))
                        + (full || shorthand ? "" : " (or the shorthand \"layers\" + \"input\" + \"target\" + \"loss\")"));
            }
            Map<String, TensorSpec> inputs = tensors.parse(root.get("inputs"), "/inputs", false);
            Map<String, TensorSpec> params;
            List<NodeDraft> drafts;
            String output;
            if (shorthand) {
                params = new LinkedHashMap<>();
                drafts = new ArrayList<>();
                new LayersShorthand(fields, attributes, limits, graph).expand(root, params, drafts);
                output = LayersShorthand.OUTPUT;
            } else {
                params = tensors.parse(root.get("params"), "/params", true);
                drafts = nodeDrafts(root.get("nodes"));
                JsonNode out = root.get("output");
                if (!out.isTextual()) {
                    throw src.fail("/output", null, "output must be a node name (a string), got " + shortJson(out));
                }
                output = out.asText();
            }
            List<NodeSpec> nodes = graph.addNodes(drafts);
            return graph.model(name, seed, src.file, inputs, params, nodes, output, shorthand ? "/loss" : "/output",
                    shorthand);
        }

        private List<NodeDraft> nodeDrafts(JsonNode nodes) {
            if (!nodes.isArray()) {
                throw src.fail("/nodes", null, "nodes must be a list of {name, op, inputs, attrs?}, got " + kind(nodes));
            }
            if (nodes.size() > limits.maxNodes()) {
                throw src.fail("/nodes", null, "the model has " + nodes.size() + " nodes, more than the limit of "
                        + limits.maxNodes() + " (--max-model-nodes raises it)");
            }
            List<NodeDraft> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                JsonNode n = nodes.get(i);
                String p = ptr("/nodes", i);
                if (!n.isObject()) {
                    throw src.fail(p, null, "a node must be an object {name, op, inputs, attrs?}, got " + kind(n));
                }
                fields.checkKeys(n, p, NODE_KEYS, "node key");
                for (String k : List.of("name", "op", "inputs")) {
                    if (!n.has(k)) {
                        throw src.fail(p, n.has("name") ? n.get("name").asText() : null, "node " + i + " has no \"" + k
                                + "\"");
                    }
                }
                String name = fields.name(n.get("name"), ptr(p, "name"));
                if (!n.get("op").isTextual()) {
                    throw src.fail(ptr(p, "op"), name, "op must be an op name (a string), got " + shortJson(n.get("op")));
                }
                JsonNode ins = n.get("inputs");
                if (!ins.isArray()) {
                    throw src.fail(ptr(p, "inputs"), name, "inputs must be a list of names, got " + shortJson(ins));
                }
                List<String> inputs = new ArrayList<>();
                for (int k = 0; k < ins.size(); k++) {
                    if (!ins.get(k).isTextual()) {
                        throw src.fail(ptr(ptr(p, "inputs"), k), name, "an input must be a name (a string), got "
                                + shortJson(ins.get(k)));
                    }
                    inputs.add(ins.get(k).asText());
                }
                JsonNode attrs = n.get("attrs");
                if (attrs != null && !attrs.isObject() && !attrs.isNull()) {
                    throw src.fail(ptr(p, "attrs"), name, "attrs must be an object, got " + shortJson(attrs));
                }
                out.add(new NodeDraft(name, n.get("op").asText(), inputs,
                        attributes.of(attrs, ptr(p, "attrs"), name), p, ptr(p, "op"), ptr(p, "inputs"),
                        ptr(p, "attrs")));
            }
            return out;
        }

        private static String stem(Path file) {
            String f = file.getFileName().toString();
            return f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
        }
    }
}
