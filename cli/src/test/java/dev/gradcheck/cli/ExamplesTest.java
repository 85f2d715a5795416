package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped example passes `check`, with the same verdicts on the reference engine
 * ({@code --reference-engine}), and `compare` agrees with PyTorch's gradients (the model tests'
 * oracle) either way.
 */
class ExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final Path ORACLE = Path.of("..", "gradcheck", "src", "test", "resources", "oracle");

    static Stream<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void checkPasses(String name) {
        Cli.Result r = Cli.run("check", EXAMPLES.resolve(name + ".json").toString());
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void referenceEngineGivesTheSameVerdicts(String name) throws IOException {
        String model = EXAMPLES.resolve(name + ".json").toString();
        Cli.Result fast = Cli.run("check", model, "--format", "json", "--mode", "fast", "--no-progress");
        Cli.Result reference = Cli.run("check", model, "--format", "json", "--mode", "fast", "--no-progress",
                "--reference-engine");
        assertEquals(fast.exitCode(), reference.exitCode(), reference.toString());
        assertEquals(verdicts(fast.out()), verdicts(reference.out()), name);
    }

    /** Each check's name and status, in order. */
    private static List<String> verdicts(String json) throws IOException {
        List<String> v = new ArrayList<>();
        for (JsonNode c : JSON.readTree(json).get("checks")) {
            v.add(c.get("name").asText() + ": " + c.get("status").asText());
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void compareAgreesWithPyTorch(String name) {
        Path oracle = ORACLE.resolve(name);
        if (!Files.isDirectory(oracle)) {
            throw new AssertionError("no PyTorch fixture for example " + name + " under " + ORACLE);
        }
        for (String engine : new String[] {"--format=text", "--reference-engine"}) {
            Cli.Result r = Cli.run("compare", EXAMPLES.resolve(name + ".json").toString(),
                    "--values", oracle.resolve("values.npz").toString(), "--grads", oracle.resolve("grads.npz").toString(),
                    "--rtol", "1e-9", "--atol", "1e-12", engine);
            assertEquals(ExitCodes.PASS, r.exitCode(), engine + ": " + r);
        }
    }
}
