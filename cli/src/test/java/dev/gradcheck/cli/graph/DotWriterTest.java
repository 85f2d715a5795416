package dev.gradcheck.cli.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.cli.health.Palette;
import java.util.List;
import org.junit.jupiter.api.Test;

class DotWriterTest {
    private static GraphNode node(String name, String kind, String op, List<String> inputs, double[] value,
            double[] grad, String check) {
        return new GraphNode(name, kind, op, inputs, inputs.size() == 2 ? List.of("input", "other") : inputs.stream()
                .map(i -> "input").toList(), "[" + value.length + "]", Summary.of(value),
                grad == null ? null : Summary.of(grad), check, null, null);
    }

    @Test
    void oneNodePerTensorAndOneEdgePerInput() {
        String dot = DotWriter.write("tiny", "loss", List.of(
                node("x", "input", null, List.of(), new double[] {1, 2}, null, null),
                node("W", "param", null, List.of(), new double[] {3, 4}, new double[] {0.5, 0.25}, "pass"),
                node("z", "op", "mul", List.of("x", "W"), new double[] {3, 8}, new double[] {1, 1}, null),
                node("loss", "op", "sum", List.of("z"), new double[] {11}, new double[] {1}, null)));
        assertTrue(dot.startsWith("digraph \"tiny\" {\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        assertEquals(4, dot.lines().filter(l -> l.contains(", shape=")).count(), dot);
        List<String> edges = dot.lines().filter(l -> l.contains("->")).map(String::strip).toList();
        // an op of two operands: each edge says which, and dot keeps them in that order; a head
        // label, since dot lays a plain edge label out as a node of its own that ordering=in ignores
        assertEquals(List.of("\"x\" -> \"z\" [headlabel=\"0 input\", labelangle=-35];",
                "\"W\" -> \"z\" [headlabel=\"1 other\", labelangle=35];", "\"z\" -> \"loss\";"), edges);
        assertTrue(line(dot, "\"z\" [").contains("ordering=in"), dot);
        String w = line(dot, "\"W\" [");
        assertTrue(w.contains("W (param)\\n[2]\\nvalue: mean 3.500 std 0.5000 [3.000, 4.000]\\ngrad: "), w);
        assertTrue(w.contains("check: PASS"), w);
        assertTrue(line(dot, "\"loss\" [").contains("peripheries=2"), dot);
        assertTrue(w.contains("class=\"pass\""), w);
        assertFalse(dot.matches("(?s).*class=\"(fail|producer|carrier)\".*"), "nothing is marked:\n" + dot);
        assertFalse(dot.contains("red"), "Okabe-Ito colours only:\n" + dot);
    }

    @Test
    void theProducerOfANanIsMarkedApartFromTheNodesThatCarryIt() {
        String dot = DotWriter.write("m", "y", List.of(
                node("W", "param", null, List.of(), new double[] {1}, new double[] {2}, "fail"),
                new GraphNode("h", "op", "log", List.of("W"), List.of("input"), "[2]",
                        Summary.of(new double[] {Double.NEGATIVE_INFINITY, 0}), null, null, null,
                        "inf in the forward pass"),
                node("y", "op", "sum", List.of("h"), new double[] {1}, new double[] {Double.NaN}, null)));
        String w = line(dot, "\"W\" [");
        assertTrue(w.contains("class=\"fail\"") && w.contains("check: FAIL") && w.contains("penwidth=3"), w);
        assertFalse(w.contains("dashed"), w);
        String h = line(dot, "\"h\" [");
        assertTrue(h.contains("class=\"producer\"") && h.contains("label=\"PRODUCES inf in the forward pass\\nh = log")
                && h.contains("penwidth=4"), h);
        assertTrue(h.contains("1 Inf"), h);
        String y = line(dot, "\"y\" [");
        assertTrue(y.contains("class=\"carrier\"") && y.contains("dashed") && y.contains("gradient carries NaN from a later node"), y);
        assertTrue(y.contains("grad: 1 NaN"), y);
        assertFalse(dot.contains("fontcolor=red") || dot.contains("red"), "dark text on light fills only:\n" + dot);
    }

    @Test
    void aCheckThatErroredBecauseTheOutputIsNanIsDrawnAsACarrierAndTheProducerStaysTheOneMarkedNode() {
        String dot = DotWriter.write("m", "loss", List.of(
                checked("W", new double[] {Double.NaN, Double.NaN}, "error", NAN_FORWARD),
                new GraphNode("h", "op", "sqrt", List.of("W"), List.of("input"), "[2]",
                        Summary.of(new double[] {Double.NaN, 1}), Summary.of(new double[] {Double.NaN, 1}), null, null,
                        "nan in the forward pass"),
                checked("V", new double[] {1, 1}, "error", NAN_FORWARD), // a finite gradient, the check still blocked
                node("loss", "op", "sum", List.of("h", "V"), new double[] {Double.NaN}, new double[] {1}, null)));
        for (String name : List.of("W", "V")) {
            String p = line(dot, "\"" + name + "\" [");
            assertTrue(p.contains("class=\"carrier error\"") && p.contains("dashed") && p.contains("penwidth=1.5"), p);
            assertTrue(String.join(" ", labelLines(p)).contains("check: ERROR: loss is NaN here, so nothing could be"
                    + " checked"), p);
            assertFalse(p.contains("class=\"fail") || p.contains("penwidth=3") || p.contains("forward returned"), p);
        }
        // one node with a heavy outline: the producer
        assertEquals(List.of("\"h\" ["), dot.lines().filter(l -> l.matches(".*penwidth=[3-9].*"))
                .map(l -> l.strip().substring(0, 5)).toList(), dot);
    }

    @Test
    void aCheckThatErroredForAReasonOfItsOwnIsAFailureWithItsReasonWrappedAtWordBoundaries() {
        String reason = "backward threw IllegalStateException: the custom op's saved tensor was freed before the "
                + "backward pass ran (call retain() in forward)";
        String dot = DotWriter.write("m", "loss", List.of(
                checked("W", new double[] {1, 2}, "error", reason),
                node("loss", "op", "sum", List.of("W"), new double[] {3}, new double[] {1}, null)));
        String w = line(dot, "\"W\" [");
        assertTrue(w.contains("class=\"fail error\"") && w.contains("penwidth=3") && !w.contains("dashed"), w);
        List<String> lines = labelLines(w);
        for (String l : lines) {
            assertTrue(l.length() <= DotWriter.LINE_WIDTH, "over " + DotWriter.LINE_WIDTH + ": " + l);
        }
        // wrapped, not cut: every word of the reason is in the label whole
        String words = String.join(" ", lines.subList(lines.indexOf("W (param)") + 4, lines.size()));
        assertEquals("check: ERROR " + reason, words);
    }

    @Test
    void aVeryLongCheckTextEndsAtAWordBoundaryWithAnEllipsis() {
        String reason = "forward returned NaN at output entry 0: the point is outside the function's domain; "
                .repeat(8).strip();
        String w = line(DotWriter.write("m", "loss", List.of(checked("W", new double[] {1, 2}, "error", reason),
                node("loss", "op", "sum", List.of("W"), new double[] {3}, new double[] {1}, null))), "\"W\" [");
        List<String> lines = labelLines(w);
        String last = lines.get(lines.size() - 1);
        assertTrue(last.endsWith(" …") && lines.size() <= 4 + DotWriter.MAX_CHECK_LINES, w);
        String kept = String.join(" ", lines.subList(4, lines.size())).replace(" …", "");
        assertTrue(("check: ERROR " + reason).startsWith(kept) && reason.contains(kept.substring(
                kept.lastIndexOf(' ') + 1) + " "), "cut inside a word: " + kept);
    }

    @Test
    void aPassThatComparesZerosWithZerosIsNotDrawnAsAHealthyPass() {
        String dot = DotWriter.write("m", "loss", List.of(
                checked("W", new double[] {0, 0, 0}, "pass", "max abs 0.00, max rel 0.00"),
                checked("b", new double[] {0, 0.5, 0}, "pass", "max abs 1.00e-12, max rel 3.00e-11"),
                node("loss", "op", "sum", List.of("W", "b"), new double[] {1}, new double[] {1}, null)));
        String w = line(dot, "\"W\" [");
        assertTrue(w.contains("class=\"pass-all-zero\"") && w.contains("check: PASS, but all zero"), w);
        assertTrue(w.contains("dotted") && w.contains("color=\"#E69F00\""), w);
        assertFalse(w.contains(Palette.FILL_PASS) || w.contains("#009E73") || w.contains("max abs"), w);
        String b = line(dot, "\"b\" [");
        assertTrue(b.contains("class=\"pass\"") && b.contains("check: PASS max abs 1.00e-12"), b);
    }

    @Test
    void anAllZeroGradientSaysSo() {
        assertEquals("all 6 entries 0", Summary.of(new double[6]).toString());
        assertEquals("0.000", Summary.of(new double[1]).toString());
    }

    @Test
    void namesAreQuoted() {
        assertEquals("\"0.weight \\\"a\\\"\\\\n\"", DotWriter.quote("0.weight \"a\"\\n"));
    }

    private static final String NAN_FORWARD =
            "forward returned NaN at output entry 0: the point is outside the function's domain";

    /** A checked param of values 1, 2, … and gradient {@code grad}. */
    private static GraphNode checked(String name, double[] grad, String check, String detail) {
        double[] value = new double[grad.length];
        for (int i = 0; i < value.length; i++) {
            value[i] = i + 1;
        }
        return new GraphNode(name, "param", null, List.of(), List.of(), "[" + grad.length + "]", Summary.of(value),
                Summary.of(grad), check, detail, null);
    }

    /** The lines of a node's label. */
    private static List<String> labelLines(String nodeLine) {
        String label = nodeLine.substring(nodeLine.indexOf("label=\"") + 7, nodeLine.indexOf("\", shape="));
        return List.of(label.split("\\\\n"));
    }

    private static String line(String dot, String prefix) {
        return dot.lines().filter(l -> l.strip().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting " + prefix + " in\n" + dot));
    }
}
