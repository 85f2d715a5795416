package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.cli.TestJars;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faulty user code in {@code ops --jar}: each fault gives that op a status and a message naming
 * the fault, and the run goes on with the next op (a correct op after every faulty one passes).
 */
class FaultyUserCodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Op name → its source; the jar lists them in this order, a correct op last. */
    private static final Map<String, String> OPS = new LinkedHashMap<>();

    static {
        OPS.put("throws", TestJars.squareOp("Throws", "throws", "2, 3", "",
                "if (g.length > 0) throw new IllegalStateException(\"boom in backward\");"));
        OPS.put("nan", TestJars.squareOp("Nan", "nan", "2, 3", "", "d[1] = Double.NaN;"));
        OPS.put("wrong_size", TestJars.squareOp("WrongSize", "wrong_size", "2, 3", "",
                "d = new double[d.length + 2];"));
        OPS.put("endless", TestJars.squareOp("Endless", "endless", "2, 3",
                "long k = 0; while (y.length > 0) { k++; } y[0] = k;", ""));
        OPS.put("mutates", TestJars.squareOp("Mutates", "mutates", "2, 3", "in[0][0] += 1.0;", ""));
        OPS.put("nondeterministic", TestJars.squareOp("Nondeterministic", "nondeterministic", "2, 3", "",
                "d[0] += 1e-2 * Math.random();"));
        OPS.put("stack_overflow", TestJars.squareOp("StackOverflow", "stack_overflow", "2, 3", "",
                "d = backward(in, g)[0];"));
        OPS.put("huge_shape", TestJars.squareOp("HugeShape", "huge_shape", "100000, 100000", "", ""));
        OPS.put("negative_shape", TestJars.squareOp("NegativeShape", "negative_shape", "3, -2", "", ""));
        OPS.put("square", TestJars.squareOp("Square", "square", "2, 3", "", ""));
    }

    @TempDir
    static Path dir;

    private static Path jar;

    @BeforeAll
    static void buildJar() throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> services = new ArrayList<>();
        OPS.forEach((name, src) -> {
            String cls = "demo." + src.substring(src.indexOf("class ") + 6, src.indexOf(" implements"));
            sources.put(cls, src);
            services.add(cls);
        });
        jar = TestJars.customOpJar(dir, sources, services);
    }

    @Test
    void eachFaultGetsAStatusAndMessageAndTheRunGoesOn() throws IOException {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.cli("ops", "--jar", jar.toString(),
                "--op-timeout", "1500", "--threads", "1", "--format", "json"));
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertFalse(root.get("passed").asBoolean(), r.out());
        assertFalse(root.has("incomplete"), "the per-op timeout does not make the run incomplete: " + r.out());
        JsonNode checks = root.get("checks");
        List<String> names = new ArrayList<>();
        checks.forEach(c -> names.add(c.get("name").asText()));
        assertEquals(new ArrayList<>(OPS.keySet()), names, "every op reported, in order");

        expect(checks, "throws", "error", "backward threw IllegalStateException: boom in backward");
        expect(checks, "nan", "fail", "NaN");
        expect(checks, "wrong_size", "error", "8");
        expect(checks, "endless", "error", "timed out after 1500 ms");
        expect(checks, "mutates", "fail", "mutates its input");
        expect(checks, "nondeterministic", "fail", "nondeterministic");
        expect(checks, "stack_overflow", "error", "StackOverflowError");
        expect(checks, "huge_shape", "error", "inputShapes() of op 'huge_shape': shape [100000, 100000] of input 0 "
                + "has more than the limit of 16000000 elements per tensor");
        expect(checks, "negative_shape", "error",
                "inputShapes() of op 'negative_shape': negative dimension -2 in shape [3, -2] of input 0");
        expect(checks, "square", "pass", "");
        assertTrue(r.millis() < 30_000, "the endless op cost its timeout, not more: " + r.millis() + " ms");
    }

    @Test
    void textReportNamesEachFault() {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.cli("ops", "--jar", jar.toString(),
                "--op", "endless", "--op", "square", "--op-timeout", "500", "--threads", "1"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ERROR endless"), r.toString());
        assertTrue(r.out().contains("timed out after 500 ms"), r.toString());
        assertTrue(r.out().contains("PASS  square"), r.toString());
        assertFalse(r.hasStackTrace(), r.toString());
    }

    @Test
    void absurdInputShapesAreThatOpsErrorNotAnOutOfMemoryError() {
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.cli("ops", "--jar", jar.toString(),
                "--op", "huge_shape", "--op", "negative_shape", "--op", "square", "--threads", "1"));
        assertEquals(1, r.exitCode(), "a failing check, as for an op that throws: " + r);
        assertTrue(r.out().contains("ERROR huge_shape"), r.toString());
        assertTrue(r.out().contains("error: inputShapes() of op 'huge_shape': shape [100000, 100000] of input 0 has "
                + "more than the limit of 16000000 elements per tensor"), r.toString());
        assertTrue(r.out().contains("ERROR negative_shape"), r.toString());
        assertTrue(r.out().contains("error: inputShapes() of op 'negative_shape': negative dimension -2 in shape "
                + "[3, -2] of input 0"), r.toString());
        assertTrue(r.out().contains("PASS  square"), r.toString());
        assertFalse(r.out().contains("OutOfMemoryError") || r.out().contains("NegativeArraySize"), r.toString());
        assertFalse(r.hasStackTrace(), r.toString());
    }

    @Test
    void aConstructorThatNeverReturnsIsThatOpsErrorNotAHang(@TempDir Path other) throws IOException {
        String src = TestJars.squareOp("Stuck", "stuck", "2, 3", "", "").replace("public String name()",
                "public Stuck() { long k = 0; while (k >= 0) { k = (k + 1) % 1000; } }\n    public String name()");
        Path stuck = TestJars.customOpJar(other, Map.of("demo.Stuck", src, "demo.Square", OPS.get("square")),
                List.of("demo.Stuck", "demo.Square"));
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Run.cli("ops", "--jar", stuck.toString(),
                "--op-timeout", "500"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ERROR demo.Stuck"), r.toString());
        assertTrue(r.out().contains("creating demo.Stuck timed out after 500 ms"), r.toString());
        assertTrue(r.out().contains("PASS  square"), "the run goes on: " + r);
        assertFalse(r.hasStackTrace(), r.toString());
    }

    @Test
    void aConstructorThatThrowsIsThatOpsError() throws IOException {
        Path other = dir.resolve("throwing");
        String src = TestJars.squareOp("Throwing", "throwing", "2, 3", "", "").replace("public String name()",
                "public Throwing() { throw new IllegalStateException(\"no config\"); }\n    public String name()");
        Path jar = TestJars.customOpJar(other, Map.of("demo.Throwing", src, "demo.Square", OPS.get("square")),
                List.of("demo.Throwing", "demo.Square"));
        Run.Result r = Run.cli("ops", "--jar", jar.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ERROR demo.Throwing"), r.toString());
        assertTrue(r.out().contains("error: cannot create the CustomOp demo.Throwing: its constructor threw "
                + "IllegalStateException: no config"), r.toString());
        assertTrue(r.out().contains("PASS  square"), "the run goes on: " + r);
        assertFalse(r.hasStackTrace(), r.toString());
    }

    /** The op's status, and its error or diagnosis (or a nested input's) containing {@code text}. */
    private static void expect(JsonNode checks, String name, String status, String text) {
        JsonNode c = null;
        for (JsonNode x : checks) {
            if (x.get("name").asText().equals(name)) {
                c = x;
            }
        }
        assertTrue(c != null, "no check " + name);
        assertEquals(status, c.get("status").asText(), name + ": " + c.toPrettyString());
        String said = c.path("error").asText("") + " | " + c.path("diagnosis").asText("");
        System.out.println("[" + name + "] " + status + ": " + said);
        assertTrue(said.contains(text), name + ": expected the message to contain \"" + text + "\", was: " + said);
    }
}
