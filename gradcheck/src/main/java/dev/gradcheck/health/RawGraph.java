package dev.gradcheck.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes of a model file as written (names, ops, input names, attributes), read again after
 * the loader stopped at a shape mismatch, so the shapes report can show the rows before it and
 * try hints. Only used on files the loader already parsed up to the mismatch.
 */
final class RawGraph {
    record RawNode(String name, String op, List<String> inputs, Map<String, Object> attrs) {
    }

    final List<RawNode> nodes = new ArrayList<>();
    final Set<String> params = new LinkedHashSet<>();

    static RawGraph read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        RawGraph g = new RawGraph();
        ObjectMapper m = new ObjectMapper();
        if (root.has("layers")) {
            String cur = root.path("input").asText();
            JsonNode layers = root.get("layers");
            for (int i = 0; i < layers.size(); i++) {
                JsonNode l = layers.get(i);
                String type = l.path("type").asText();
                String out = "h" + i;
                if (type.equals("linear")) {
                    List<String> ins = new ArrayList<>(List.of(cur, i + ".weight"));
                    g.params.add(i + ".weight");
                    if (l.path("bias").asBoolean(true)) {
                        ins.add(i + ".bias");
                        g.params.add(i + ".bias");
                    }
                    g.nodes.add(new RawNode(out, "linear", ins, Map.of()));
                } else {
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    l.properties().forEach(e -> {
                        if (!e.getKey().equals("type")) {
                            attrs.put(e.getKey(), m.convertValue(e.getValue(), Object.class));
                        }
                    });
                    g.nodes.add(new RawNode(out, type, List.of(cur), attrs));
                }
                cur = out;
            }
            JsonNode loss = root.path("loss");
            Map<String, Object> attrs = new LinkedHashMap<>();
            String op = loss.isTextual() ? loss.asText() : loss.path("op").asText();
            if (loss.isObject()) {
                loss.properties().forEach(e -> {
                    if (!e.getKey().equals("op")) {
                        attrs.put(e.getKey(), m.convertValue(e.getValue(), Object.class));
                    }
                });
            }
            g.nodes.add(new RawNode("loss", op, List.of(cur, root.path("target").asText()), attrs));
        } else {
            root.path("params").fieldNames().forEachRemaining(g.params::add);
            for (JsonNode n : root.path("nodes")) {
                List<String> ins = new ArrayList<>();
                n.path("inputs").forEach(x -> ins.add(x.asText()));
                Map<String, Object> attrs = new LinkedHashMap<>();
                n.path("attrs").properties().forEach(e -> attrs.put(e.getKey(), m.convertValue(e.getValue(), Object.class)));
                g.nodes.add(new RawNode(n.path("name").asText(), n.path("op").asText(), ins, attrs));
            }
        }
        return g;
    }
}
