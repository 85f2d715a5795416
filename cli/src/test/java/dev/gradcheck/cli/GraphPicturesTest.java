package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graph --check} on the broken examples, and the layout Graphviz makes of the DOT. */
class GraphPicturesTest {
    private static final Pattern NODE = Pattern.compile("^ {2}\"([^\"]+)\" \\[.*class=\"([^\"]+)\".*$");

    @TempDir
    Path dir;

    @Test
    void checksThatANanOnlyReachedAreDrawnAsCarriersAndTheProducerStaysTheOneHeavyOutline() {
        Cli.Result r = Cli.run("graph", "../examples/broken/nan-producer.json", "--check");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        Map<String, String> classes = classes(r.out());
        for (String p : List.of("W1", "b1", "W2", "b2")) {
            assertEquals("carrier error", classes.get(p), r.out());
        }
        assertEquals("producer", classes.get("h1"), r.out());
        List<String> heavy = r.out().lines().filter(l -> l.matches(".*penwidth=[3-9].*"))
                .map(l -> l.strip().split(" ")[0]).toList();
        assertEquals(List.of("\"h1\""), heavy, r.out());
    }

    @Test
    void aPassComparingZerosWithZerosIsNotAGreenPass() {
        Cli.Result r = Cli.run("graph", "../examples/broken/dead-relu.json", "--check");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        Map<String, String> classes = classes(r.out());
        for (String p : List.of("W1", "b1", "W2")) {
            assertEquals("pass-all-zero", classes.get(p), r.out());
        }
        // b2's gradient is not zero: its pass shows something
        assertEquals("pass", classes.get("b2"), r.out());
    }

    /**
     * Graphviz itself, where it is installed: in the attention example x feeds three matmuls,
     * and each op's operands stand left to right in operand order (with plain edge labels dot put
     * Wq left of x, and x's edge hooked round to q's left). Skipped without {@code dot}.
     */
    @Test
    void dotDrawsEveryOpsOperandsLeftToRightInOperandOrder() throws IOException, InterruptedException {
        Assumptions.assumeTrue(dotInstalled(), "Graphviz dot is not installed");
        Cli.Result r = Cli.run("graph", "../examples/attention.json");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        Path dotFile = Files.writeString(dir.resolve("attention.dot"), r.out());
        Process p = new ProcessBuilder("dot", "-Tplain", dotFile.toString()).redirectErrorStream(true).start();
        String plain = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, plain);
        // -Tplain: "node NAME X Y …", the node's centre
        Map<String, Double> centre = new HashMap<>();
        for (String line : plain.lines().filter(l -> l.startsWith("node ")).toList()) {
            String[] t = line.split(" ");
            centre.put(t[1], Double.parseDouble(t[2]));
        }
        // the DOT lists each op's edges in operand order
        Map<String, List<String>> operands = new LinkedHashMap<>();
        for (String line : r.out().lines().filter(l -> l.contains(" -> ")).toList()) {
            String[] ends = line.strip().split(" ");
            operands.computeIfAbsent(unquote(ends[2]), k -> new ArrayList<>()).add(unquote(ends[0]));
        }
        assertEquals(List.of("x", "Wq"), operands.get("q"), r.out());
        int ops = 0;
        for (Map.Entry<String, List<String>> e : operands.entrySet()) {
            List<Double> xs = e.getValue().stream().map(centre::get).toList();
            for (int i = 1; i < xs.size(); i++) {
                assertTrue(xs.get(i - 1) < xs.get(i), e.getKey() + "'s operands " + e.getValue()
                        + " stand at x = " + xs + "\n" + plain);
            }
            ops += xs.size() > 1 ? 1 : 0;
        }
        assertEquals(7, ops, "ops of two operands in the attention example\n" + plain);
    }

    private static Map<String, String> classes(String dot) {
        Map<String, String> out = new HashMap<>();
        for (String line : dot.lines().toList()) {
            Matcher m = NODE.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    private static String unquote(String s) {
        return s.replaceAll("^\"|\";?$", "");
    }

    private static boolean dotInstalled() {
        try {
            Process p = new ProcessBuilder("dot", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
