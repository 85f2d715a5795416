package dev.gradcheck.cli.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DotWriterTest {
    private static GraphNode node(String name, String kind, String op, List<String> inputs, double[] value,
            double[] grad, String check) {
        return new GraphNode(name, kind, op, inputs, "[" + value.length + "]", Summary.of(value),
                grad == null ? null : Summary.of(grad), check, null);
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
        assertEquals(4, dot.lines().filter(l -> l.contains("[label=")).count(), dot);
        List<String> edges = dot.lines().filter(l -> l.contains("->")).map(String::strip).toList();
        assertEquals(List.of("\"x\" -> \"z\";", "\"W\" -> \"z\";", "\"z\" -> \"loss\";"), edges);
        String w = line(dot, "\"W\" [");
        assertTrue(w.contains("W (param)\\n[2]\\nvalue: mean 3.500 std 0.5000 [3.000, 4.000]\\ngrad: "), w);
        assertTrue(w.contains("check: PASS"), w);
        assertTrue(line(dot, "\"loss\" [").contains("peripheries=2"), dot);
        assertFalse(dot.contains("color=red"), "nothing should be red:\n" + dot);
    }

    @Test
    void failingAndNonFiniteNodesAreRed() {
        String dot = DotWriter.write("m", "y", List.of(
                node("W", "param", null, List.of(), new double[] {1}, new double[] {2}, "fail"),
                node("h", "op", "log", List.of("W"), new double[] {Double.NEGATIVE_INFINITY, 0}, null, null),
                node("y", "op", "sum", List.of("h"), new double[] {1}, new double[] {Double.NaN}, null)));
        assertTrue(line(dot, "\"W\" [").contains("color=red"), dot);
        assertTrue(line(dot, "\"h\" [").contains("color=red"), dot);
        assertTrue(line(dot, "\"h\" [").contains("1 Inf"), dot);
        assertTrue(line(dot, "\"y\" [").contains("grad: 1 NaN"), dot);
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
