package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The failing models of {@code examples/broken/} that the README shows: each command exits with
 * its code and prints exactly the output kept in {@code src/test/resources/broken/} (the README
 * quotes it).
 */
class BrokenExamplesTest {
    @ParameterizedTest(name = "{0} examples/broken/{1}.json exits {2}")
    @CsvSource({
        "shapes, shape-mismatch, 3",
        "flow, dead-relu, 1",
        "flow, nan-producer, 1",
        "check, nan-producer, 1",
        "check, dead-relu, 0",
        "sanity, batch-mix, 1",
    })
    void exitsNonZeroWithTheExactOutput(String command, String model, int exit) throws IOException {
        List<String> args = new ArrayList<>(List.of(command, "../examples/broken/" + model + ".json"));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(exit, r.exitCode(), r.toString());
        // run from cli/: the report names the file as given, which the README gives from the root
        String out = r.out().replace("../examples/", "examples/");
        assertEquals(expected(command + "-" + model + ".txt"), out, r.toString());
    }

    private static String expected(String name) throws IOException {
        try (InputStream in = BrokenExamplesTest.class.getResourceAsStream("/broken/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
