package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.cli.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verdicts are reproducible: for the same seed, the JSON reports of {@code check} on every
 * example and of {@code ops} are identical, {@code elapsed_ms} and {@code threads} aside, across runs and across
 * {@code --threads 1} and {@code --threads 2}.
 */
class DeterminismTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("..", "examples");

    static Stream<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .sorted().toList();
            assertTrue(names.size() >= 5, "examples found: " + names);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void checkOnAnExampleIsIdenticalAcrossRunsAndThreadCounts(String example) {
        String model = EXAMPLES.resolve(example).toString();
        for (String[] mode : List.of(new String[] {"--mode", "full"}, new String[] {"--mode", "sampled"})) {
            List<String> base = new ArrayList<>(List.of("check", model, "--format", "json", "--seed", "11"));
            base.addAll(List.of(mode));
            assertSame(base);
        }
    }

    @Test
    void registryOpsAreIdenticalAcrossRunsAndThreadCounts() {
        assertSame(List.of("ops", "--op", "tanh", "--op", "matmul", "--op", "cross_entropy", "--op", "layer_norm",
                "--op", "softmax", "--draws", "2", "--seed", "5", "--format", "json"));
    }

    @Test
    void customOpsAreIdenticalAcrossRunsAndThreadCounts(@TempDir Path dir) throws IOException {
        Path jar = TestJars.customOpJar(dir, Map.of(
                "demo.Square", TestJars.squareOp("Square", "square", "2, 3", "", ""),
                "demo.Bad", TestJars.squareOp("Bad", "bad", "2, 3", "", "d[2] *= 2;")),
                List.of("demo.Square", "demo.Bad"));
        assertSame(List.of("ops", "--jar", jar.toString(), "--seed", "9", "--format", "json"));
    }

    /** Three runs (threads 1, 1, 2): identical reports but for elapsed_ms. */
    private static void assertSame(List<String> args) {
        JsonNode first = report(args, "1");
        JsonNode again = report(args, "1");
        JsonNode twoThreads = report(args, "2");
        assertEquals(first.toPrettyString(), again.toPrettyString(), "two runs of " + args + " differ");
        assertEquals(first.toPrettyString(), twoThreads.toPrettyString(), "--threads 1 and 2 differ for " + args);
        assertTrue(first.get("checks").size() > 0, "something was checked: " + first);
    }

    private static JsonNode report(List<String> args, String threads) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--threads", threads));
        Run.Result r = Run.cli(all.toArray(String[]::new));
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.toString());
        try {
            JsonNode root = JSON.readTree(r.out());
            withoutTimings(root);
            return root;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    /** Removes every {@code elapsed_ms} at any depth, and the top-level {@code threads} (the run's setting). */
    private static void withoutTimings(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove("elapsed_ms");
            o.remove("threads");
        }
        n.forEach(DeterminismTest::withoutTimings);
    }
}
