package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped example passes `check`, and `compare` agrees with PyTorch's gradients (the model tests' oracle). */
class ExamplesTest {
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
    void compareAgreesWithPyTorch(String name) {
        Path oracle = ORACLE.resolve(name);
        if (!Files.isDirectory(oracle)) {
            throw new AssertionError("no PyTorch fixture for example " + name + " under " + ORACLE);
        }
        Cli.Result r = Cli.run("compare", EXAMPLES.resolve(name + ".json").toString(),
                "--values", oracle.resolve("values.npz").toString(), "--grads", oracle.resolve("grads.npz").toString(),
                "--rtol", "1e-9", "--atol", "1e-12");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
    }
}
