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
 * a dashed outline and a line saying what they carry. A failing check gets a heavy outline and
 * {@code check: FAIL}; a check that errored because the output is NaN or Inf is drawn as a carrier
 * ({@link CheckState}); a pass that compared zeros with zeros gets a dotted outline and
 * {@code check: PASS, but all zero}. Long check text is wrapped at spaces. Colours come from
 * {@link Palette} (colour-blind-safe, dark text on light fills), and every state is also said in
 * words and drawn in the outline, never by colour alone; each marked node has a {@code class}
 * ({@code producer}, {@code carrier}, {@code fail}, {@code error}, {@code pass},
 * {@code pass-all-zero}; see {@link NodeStyle}) that Graphviz carries into SVG. Render with
 * {@code dot -Tsvg graph.dot -o graph.svg}.
 */
public final class DotWriter {
    /** The longest line of check text, in characters: about as wide as a value summary. */
    static final int LINE_WIDTH = 60;
    /** The most lines of check text (a diagnosis runs to six); more end in an ellipsis. */
    static final int MAX_CHECK_LINES = 8;

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
        Summary outputValue = nodes.stream().filter(n -> n.name().equals(output)).map(GraphNode::value)
                .filter(v -> v != null).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder();
        sb.append("digraph ").append(quote(title)).append(" {\n");
        sb.append("  rankdir=TB;\n");
        sb.append("  ranksep=0.75;\n"); // room for the operand labels above a node
        sb.append("  node [fontname=\"Helvetica\", fontsize=10, fontcolor=\"").append(Palette.hex(Palette.INK))
                .append("\", color=\"").append(Palette.hex(Palette.GREY)).append("\"];\n");
        sb.append("  edge [color=\"").append(Palette.hex(Palette.GREY)).append("\", fontname=\"Helvetica\", fontsize=9, ")
                .append("fontcolor=\"").append(Palette.hex(Palette.GREY)).append("\", labeldistance=2];\n");
        for (GraphNode n : nodes) {
            sb.append("  ").append(quote(n.name())).append(" [")
                    .append(attributes(n, output, outputValue)).append("];\n");
        }
        for (GraphNode n : nodes) {
            List<String> in = n.inputs();
            for (int i = 0; i < in.size(); i++) {
                sb.append("  ").append(quote(in.get(i))).append(" -> ").append(quote(n.name()));
                if (in.size() > 1) {
                    // a head label, by the node it feeds: dot lays a plain label out as a node of its
                    // own mid-edge, which ordering=in does not order (x drawn right of W in x @ W)
                    String operand = i < n.operands().size() ? " " + n.operands().get(i) : "";
                    sb.append(" [headlabel=").append(quote(i + operand)).append(", ")
                            .append(operandLabelPlace(i, in.size())).append(']');
                }
                sb.append(";\n");
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String attributes(GraphNode n, String output, Summary outputValue) {
        CheckState check = CheckState.of(n, outputValue == null || outputValue.finite());
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
        if (check != CheckState.NONE) {
            String text = checkText(n, check, output, outputValue);
            label.append('\n').append(String.join("\n", LabelLines.wrap(text, LINE_WIDTH, MAX_CHECK_LINES)));
        }
        NodeStyle style = NodeStyle.of(n, check);
        StringBuilder a = new StringBuilder();
        a.append("label=").append(quote(label.toString()))
                .append(", shape=").append(n.op() == null ? "ellipse" : "box")
                .append(", style=\"").append(style.style()).append('"')
                .append(", fillcolor=\"").append(style.fill()).append('"');
        double pen = style.penwidth();
        if (pen != 1) {
            a.append(", color=\"").append(style.outline()).append("\", penwidth=").append(pen == Math.rint(pen)
                    ? Integer.toString((int) pen) : Double.toString(pen));
        }
        if (style.cls() != null) {
            a.append(", class=\"").append(style.cls()).append('"');
        }
        if (n.inputs().size() > 1) {
            a.append(", ordering=in"); // operands left to right in their order
        }
        if (n.name().equals(output)) {
            a.append(", peripheries=2");
        }
        return a.toString();
    }

    /**
     * Where operand {@code i} of {@code count} has its label, in degrees counterclockwise from its
     * edge at the head and tens of points from the head: the first and the last turned in between
     * the edges, off the node's border (the first arrives from the left, the last from the right);
     * a middle one, arriving from about straight above, further out to the right, clear of its
     * own edge.
     */
    private static String operandLabelPlace(int i, int count) {
        if (i == count - 1) {
            return "labelangle=35";
        }
        return i == 0 ? "labelangle=-35" : "labelangle=-60, labeldistance=2.5";
    }

    /** The check's line(s), before wrapping: the status and what it rests on. */
    private static String checkText(GraphNode n, CheckState check, String output, Summary outputValue) {
        String status = n.check().toUpperCase(Locale.ROOT);
        return switch (check) {
            // the checker's own reason ("forward returned NaN at output entry 0 …") says the same at length
            case ERROR_OUTPUT_NOT_FINITE -> "check: " + status + ": " + output + " is " + carried(outputValue)
                    + " here, so nothing could be checked";
            // the figures (max abs 0.00) would read as a clean pass
            case PASS_ALL_ZERO -> "check: " + status + ", but all zero (zeros compared with zeros)";
            default -> "check: " + status + (n.checkDetail() == null || n.checkDetail().isBlank() ? ""
                    : " " + n.checkDetail());
        };
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
