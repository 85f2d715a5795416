package dev.gradcheck.cli.graph;

import java.util.List;

/**
 * Writes a model graph as Graphviz DOT: inputs as grey ellipses, params as blue ellipses, ops as
 * boxes, each labelled with name, shape, value and gradient summaries; failing or non-finite nodes
 * red. Render with {@code dot -Tsvg graph.dot -o graph.svg}.
 */
public final class DotWriter {
    private DotWriter() {
    }

    /**
     * The DOT text.
     *
     * @param title the graph's name (the model's)
     * @param output the name of the model's output node (drawn with a double border)
     * @param nodes every node, in definition order
     */
    public static String write(String title, String output, List<GraphNode> nodes) {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph ").append(quote(title)).append(" {\n");
        sb.append("  rankdir=TB;\n");
        sb.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        sb.append("  edge [color=\"#555555\"];\n");
        for (GraphNode n : nodes) {
            sb.append("  ").append(quote(n.name())).append(" [").append(attributes(n, n.name().equals(output)))
                    .append("];\n");
        }
        for (GraphNode n : nodes) {
            for (String in : n.inputs()) {
                sb.append("  ").append(quote(in)).append(" -> ").append(quote(n.name())).append(";\n");
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String attributes(GraphNode n, boolean isOutput) {
        StringBuilder label = new StringBuilder();
        label.append(n.name());
        if (n.op() != null) {
            label.append(" = ").append(n.op());
        } else {
            label.append(" (").append(n.kind()).append(')');
        }
        label.append('\n').append(n.shape());
        if (n.value() != null) {
            label.append("\nvalue: ").append(n.value());
        }
        if (n.grad() != null) {
            label.append("\ngrad: ").append(n.grad());
        }
        if (n.check() != null) {
            label.append("\ncheck: ").append(n.check().toUpperCase(java.util.Locale.ROOT));
            if (n.checkDetail() != null && !n.checkDetail().isBlank()) {
                label.append(' ').append(n.checkDetail());
            }
        }
        String shape = n.op() == null ? "ellipse" : "box";
        String fill;
        if (n.bad()) {
            fill = "#f4a6a6";
        } else if ("pass".equals(n.check())) {
            fill = "#c8e6c9";
        } else if ("param".equals(n.kind())) {
            fill = "#cfe2f3";
        } else if ("input".equals(n.kind())) {
            fill = "#eeeeee";
        } else {
            fill = "#ffffff";
        }
        StringBuilder a = new StringBuilder();
        a.append("label=").append(quote(label.toString()))
                .append(", shape=").append(shape)
                .append(", style=").append(n.op() == null ? "filled" : "\"filled,rounded\"")
                .append(", fillcolor=\"").append(fill).append('"');
        if (n.bad()) {
            a.append(", color=red, fontcolor=red, penwidth=2");
        }
        if (isOutput) {
            a.append(", peripheries=2");
        }
        return a.toString();
    }

    /** A DOT double-quoted string; newlines become DOT's centred line breaks. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> { }
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
