package dev.gradcheck.cli.graph;

import dev.gradcheck.cli.health.Palette;
import java.util.List;
import java.util.Locale;

/**
 * Writes a model graph as Graphviz DOT: inputs as grey ellipses, params as blue ellipses, ops as
 * rounded boxes, each labelled with its name, op (attributes at their defaults left out), shape,
 * value and gradient summaries; edges into an op of several operands labelled with the operand's
 * position and name ({@code 0 input}, {@code 1 other}), kept in that order left to right. A node
 * that produced a NaN or Inf from finite inputs is drawn apart from the nodes that only carry it:
 * a darker fill, a heavy outline and a first line {@code PRODUCES NaN …}; carriers get a light fill,
 * a dashed outline and a line saying what they carry. Failing checks get a heavy outline and
 * {@code check: FAIL}. Colours come from {@link Palette} (colour-blind-safe, dark text on light
 * fills), and every state is also said in words and drawn in the outline, never by colour alone;
 * each node has a {@code class} ({@code producer}, {@code carrier}, {@code fail}, {@code pass})
 * that Graphviz carries into SVG. Render with {@code dot -Tsvg graph.dot -o graph.svg}.
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
        sb.append("  node [fontname=\"Helvetica\", fontsize=10, fontcolor=\"").append(Palette.hex(Palette.INK))
                .append("\", color=\"").append(Palette.hex(Palette.GREY)).append("\"];\n");
        sb.append("  edge [color=\"").append(Palette.hex(Palette.GREY)).append("\", fontname=\"Helvetica\", fontsize=9, ")
                .append("fontcolor=\"").append(Palette.hex(Palette.GREY)).append("\"];\n");
        for (GraphNode n : nodes) {
            sb.append("  ").append(quote(n.name())).append(" [").append(attributes(n, n.name().equals(output)))
                    .append("];\n");
        }
        for (GraphNode n : nodes) {
            List<String> in = n.inputs();
            for (int i = 0; i < in.size(); i++) {
                sb.append("  ").append(quote(in.get(i))).append(" -> ").append(quote(n.name()));
                if (in.size() > 1) {
                    String operand = i < n.operands().size() ? " " + n.operands().get(i) : "";
                    sb.append(" [label=").append(quote(" " + i + operand)).append(']');
                }
                sb.append(";\n");
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String attributes(GraphNode n, boolean isOutput) {
        StringBuilder label = new StringBuilder();
        if (n.producer()) {
            label.append("PRODUCES ").append(n.produced()).append('\n');
        }
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
        if (n.carrier()) {
            boolean inValue = n.value() != null && !n.value().finite();
            label.append(inValue ? "\nvalue carries " + carried(n.value()) + " from an earlier node"
                    : "\ngradient carries " + carried(n.grad()) + " from a later node");
        }
        if (n.check() != null) {
            label.append("\ncheck: ").append(n.check().toUpperCase(Locale.ROOT));
            if (n.checkDetail() != null && !n.checkDetail().isBlank()) {
                label.append(' ').append(n.checkDetail());
            }
        }
        String fill;
        String style = n.op() == null ? "filled" : "filled,rounded";
        String cls = null;
        double pen = 1;
        String colour = Palette.hex(Palette.GREY);
        if (n.producer()) {
            fill = Palette.FILL_PRODUCER;
            colour = Palette.hex(Palette.VERMILLION);
            pen = 4;
            cls = "producer";
        } else if (n.failed()) {
            fill = Palette.FILL_BAD;
            colour = Palette.hex(Palette.VERMILLION);
            pen = 3;
            cls = "fail";
        } else if (n.carrier()) {
            fill = Palette.FILL_BAD;
            colour = Palette.hex(Palette.VERMILLION);
            style += ",dashed";
            pen = 1.5;
            cls = "carrier";
        } else if ("pass".equals(n.check())) {
            fill = Palette.FILL_PASS;
            colour = Palette.hex(Palette.GREEN);
            pen = 2;
            cls = "pass";
        } else if ("param".equals(n.kind())) {
            fill = Palette.FILL_PARAM;
        } else if ("input".equals(n.kind()) || "constant".equals(n.kind())) {
            fill = Palette.FILL_INPUT;
        } else {
            fill = Palette.FILL_OP;
        }
        StringBuilder a = new StringBuilder();
        a.append("label=").append(quote(label.toString()))
                .append(", shape=").append(n.op() == null ? "ellipse" : "box")
                .append(", style=\"").append(style).append('"')
                .append(", fillcolor=\"").append(fill).append('"');
        if (pen != 1) {
            a.append(", color=\"").append(colour).append("\", penwidth=").append(pen == Math.rint(pen)
                    ? Integer.toString((int) pen) : Double.toString(pen));
        }
        if (cls != null) {
            a.append(", class=\"").append(cls).append('"');
        }
        if (n.inputs().size() > 1) {
            a.append(", ordering=in"); // operands left to right in their order
        }
        if (isOutput) {
            a.append(", peripheries=2");
        }
        return a.toString();
    }

    private static String carried(Summary s) {
        return s.nan() > 0 && s.inf() > 0 ? "NaN and Inf" : s.nan() > 0 ? "NaN" : "Inf";
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
