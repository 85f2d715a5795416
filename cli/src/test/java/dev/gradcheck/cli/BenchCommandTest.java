package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code gradcheck bench}: JSON lines on stdout, usage errors as exit 2. Asserts shape, never speed. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void matmulCasePrintsOneJsonObjectPerLine() throws Exception {
        Cli.Result r = Cli.run("bench", "--cases", "matmul", "--matmul-threads", "1", "--samples", "1");
        assertEquals(0, r.exitCode(), r.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertEquals("env", lines.get(0).get("bench").asText(), r.out());
        List<Integer> sizes = new ArrayList<>();
        for (JsonNode l : lines.subList(1, lines.size())) {
            assertEquals("matmul", l.get("bench").asText(), l.toString());
            assertEquals(1, l.get("threads").asInt(), l.toString());
            assertTrue(l.get("gflops").asDouble() > 0, l.toString());
            sizes.add(l.get("n").asInt());
        }
        assertEquals(List.of(128, 256, 512), sizes, r.out());
    }

    @Test
    void textFormatPrintsATable() {
        Cli.Result r = Cli.run("bench", "--cases", "matmul", "--matmul-threads", "1", "--samples", "1", "--format",
                "text");
        assertEquals(0, r.exitCode(), r.toString());
        java.util.List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("java 17") || lines.get(0).startsWith("java "), r.out());
        assertTrue(lines.get(1).matches("case +size +threads +median ms +cpu ms +GFLOP/s +other"), r.out());
        assertEquals(3, lines.stream().filter(l -> l.matches("matmul +n = (128|256|512) +1 +[0-9.]+ +[0-9.]+ +[0-9.]+.*"))
                .count(), r.out());
        assertTrue(r.out().indexOf('{') < 0, "no JSON: " + r.out());
    }

    @Test
    void unknownCaseIsAUsageErrorNamingTheKnownOnes() {
        Cli.Result r = Cli.run("bench", "--cases", "matmull");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("matmull") && r.err().contains("fwd_bwd"), r.err());
    }
}
