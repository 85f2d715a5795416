package dev.gradcheck.cli.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // an op of two operands: each edge says which, and dot keeps them in that order
        assertEquals(List.of("\"x\" -> \"z\" [label=\" 0 input\"];", "\"W\" -> \"z\" [label=\" 1 other\"];",
                "\"z\" -> \"loss\";"), edges);
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
    void anAllZeroGradientSaysSo() {
        assertEquals("all 6 entries 0", Summary.of(new double[6]).toString());
        assertEquals("0.000", Summary.of(new double[1]).toString());
    }

    @Test
    void namesAreQuoted() {
        assertEquals("\"0.weight \\\"a\\\"\\\\n\"", DotWriter.quote("0.weight \"a\"\\n"));
    }

    private static String line(String dot, String prefix) {
        return dot.lines().filter(l -> l.strip().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting " + prefix + " in\n" + dot));
    }
}
