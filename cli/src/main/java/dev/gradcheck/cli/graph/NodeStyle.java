package dev.gradcheck.cli.graph;

import dev.gradcheck.cli.health.Palette;

/**
 * How a node is drawn: its fill, its outline (colour, width, dashes) and the {@code class} that
 * Graphviz carries into SVG. Every marked state has its own outline as well as its own fill, so
 * none is told by colour alone. Only the producer of a NaN or Inf and a failed check get a heavy
 * outline; the nodes and checks that a NaN or Inf only reached get a light, dashed one.
 *
 * @param fill the fill colour, {@code #RRGGBB}
 * @param outline the outline colour
 * @param penwidth the outline's width in points
 * @param style Graphviz's {@code style} ({@code filled,rounded,dashed}, …)
 * @param cls the SVG class, or null for an unmarked node
 */
record NodeStyle(String fill, String outline, double penwidth, String style, String cls) {
    private static final String GREY = Palette.hex(Palette.GREY);
    private static final String VERMILLION = Palette.hex(Palette.VERMILLION);

    /**
     * The style of {@code n}, whose check is in state {@code check}: the first of producer, failure,
     * carrier (or a check a NaN or Inf stopped), zero pass and pass that fits, else its kind's fill.
     */
    static NodeStyle of(GraphNode n, CheckState check) {
        String base = n.op() == null ? "filled" : "filled,rounded"; // ops are rounded boxes
        if (n.producer()) {
            return new NodeStyle(Palette.FILL_PRODUCER, VERMILLION, 4, base, "producer");
        }
        if (check == CheckState.FAIL || check == CheckState.ERROR) {
            return new NodeStyle(Palette.FILL_BAD, VERMILLION, 3, base,
                    check == CheckState.FAIL ? "fail" : "fail error");
        }
        if (n.carrier() || check == CheckState.ERROR_OUTPUT_NOT_FINITE) {
            return new NodeStyle(Palette.FILL_BAD, VERMILLION, 1.5, base + ",dashed",
                    check == CheckState.ERROR_OUTPUT_NOT_FINITE ? "carrier error" : "carrier");
        }
        if (check == CheckState.PASS_ALL_ZERO) {
            return new NodeStyle(Palette.FILL_ZERO_PASS, Palette.hex(Palette.ORANGE), 2.5, base + ",dotted",
                    "pass-all-zero");
        }
        if (check == CheckState.PASS) {
            return new NodeStyle(Palette.FILL_PASS, Palette.hex(Palette.GREEN), 2, base, "pass");
        }
        String fill = switch (n.kind()) {
            case "param" -> Palette.FILL_PARAM;
            case "input", "constant" -> Palette.FILL_INPUT;
            default -> Palette.FILL_OP;
        };
        return new NodeStyle(fill, GREY, 1, base, null);
    }
}
