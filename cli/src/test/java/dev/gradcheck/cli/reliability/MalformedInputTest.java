package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.cli.TestModels;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npy;
import dev.gradcheck.engine.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * One command-line test per class of malformed input (issue #8): each gives exit code 3, a short
 * message on stderr naming the file, the place in it and the problem, no stack trace, and it
 * does so within seconds.
 */
class MalformedInputTest {
    /** A valid model: x [4, 3], y int64 [4] in [0, 2), W [3, 2], b [2]; every case breaks one thing. */
    static final String VALID = TestModels.TINY_MLP;

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    static Path shared;

    /** A case: writes its files into {@code dir}, returns the command line and what stderr must say. */
    interface Setup {
        Case make(Path dir) throws IOException;
    }

    record Case(List<String> args, List<String> expected) {
    }

    private static int counter;

    @TestFactory
    Stream<DynamicTest> everyMalformedInputIsExit3WithAClearMessage() {
        Map<String, Setup> cases = new LinkedHashMap<>();
        // ---- the JSON itself
        cases.put("not JSON", d -> model(d, "hello, world", "not valid JSON", "line 1"));
        cases.put("binary, not UTF-8", d -> {
            Path m = d.resolve("model.json");
            Files.write(m, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
            return check(m, "model.json", "not valid JSON", "not UTF-8");
        });
        cases.put("truncated", d -> model(d, VALID.substring(0, VALID.indexOf("\"params\"") + 12),
                "truncated JSON", "line 10", "opened at line 9"));
        cases.put("empty", d -> model(d, "", "the file is empty"));
        cases.put("whitespace only", d -> model(d, "  \n\n ", "the file is empty"));
        cases.put("not an object", d -> model(d, "[1, 2, 3]", "expected a JSON object"));
        cases.put("trailing content", d -> model(d, VALID + "{}", "not valid JSON", "line 21", "more content after"));
        cases.put("duplicate key", d -> model(d, VALID.replace("\"seed\": 3,", "\"seed\": 3, \"seed\": 4,"),
                "duplicate", "seed", "line 4"));
        // ---- format tag
        cases.put("wrong format tag", d -> model(d, VALID.replace("gradcheck-model/1", "gradcheck-model/2"),
                "/format", "line 2", "gradcheck-model/2", "this loader reads \"gradcheck-model/1\""));
        cases.put("format tag not a string", d -> model(d, VALID.replace("\"gradcheck-model/1\"", "1"),
                "/format", "format is 1"));
        cases.put("missing format tag", d -> model(d, VALID.replace("\"format\": \"gradcheck-model/1\",", ""),
                "missing \"format\"", "gradcheck-model/1"));
        cases.put("missing required key", d -> model(d, VALID.replace("\"output\": \"loss\"", "\"name2\": 1")
                .replace(",\n  \"name2\": 1", ""), "missing required key", "\"output\""));
        cases.put("unknown top-level key", d -> model(d, VALID.replace("\"seed\": 3,", "\"sede\": 3,"),
                "/sede", "unknown top-level key", "did you mean"));
        // ---- ops and names
        cases.put("unknown op", d -> model(d, VALID.replace("\"op\": \"tanh\"", "\"op\": \"tanhh\""),
                "/nodes/2/op", "line 16", "tanhh", "did you mean", "tanh"));
        cases.put("undefined name", d -> model(d, VALID.replace("[\"z\", \"b\"]", "[\"zz\", \"b\"]"),
                "/nodes/1/inputs/0", "node 'logits'", "undefined name 'zz'"));
        cases.put("duplicate name", d -> model(d, VALID.replace("{\"name\": \"h\",", "{\"name\": \"W\","),
                "/nodes/2", "duplicate name 'W'", "/params/W"));
        cases.put("cycle", d -> model(d, VALID.replace("[\"x\", \"W\"]", "[\"h\", \"W\"]"),
                "/nodes/0", "cycle", "z -> "));
        cases.put("self loop", d -> model(d, VALID.replace("[\"logits\"]", "[\"h\"]"),
                "/nodes/2", "its own output", "cycle"));
        cases.put("wrong arity", d -> model(d, VALID.replace("[\"x\", \"W\"]", "[\"x\"]"),
                "/nodes/0", "matmul 'z'", "2 inputs", "got 1"));
        cases.put("wrong attribute type", d -> model(d, VALID.replace("\"reduction\": \"mean\"", "\"reduction\": 5"),
                "/nodes/3/attrs/reduction", "cross_entropy 'loss'", "reduction"));
        cases.put("unknown attribute", d -> model(d, VALID.replace("\"reduction\": \"mean\"", "\"reductoin\": \"mean\""),
                "/nodes/3/attrs", "reductoin"));
        cases.put("attribute of a wrong structure", d -> model(d, VALID.replace("\"reduction\": \"mean\"",
                "\"reduction\": {\"a\": 1}"), "/nodes/3/attrs/reduction", "an object"));
        cases.put("shape mismatch", d -> model(d, VALID.replace("\"shape\": [3, 2]", "\"shape\": [5, 2]"),
                "/nodes/0", "matmul 'z'", "[4, 3]", "[5, 2]"));
        // ---- dimensions
        cases.put("negative dimension", d -> model(d, VALID.replace("\"shape\": [3, 2]", "\"shape\": [3, -2]"),
                "/params/W/shape/1", "negative dimension -2", "[3, -2]"));
        cases.put("absurd dimension", d -> model(d, VALID.replace("\"shape\": [3, 2]",
                "\"shape\": [3, 99999999999999999999999]"), "/params/W/shape/1", "absurd dimension"));
        cases.put("absurd element count", d -> model(d, VALID.replace("\"shape\": [3, 2]",
                "\"shape\": [100000, 100000, 100000]"), "/params/W/shape", "limit", "elements per tensor"));
        cases.put("fractional dimension", d -> model(d, VALID.replace("\"shape\": [3, 2]", "\"shape\": [3, 2.5]"),
                "/params/W/shape/1", "not an integer"));
        cases.put("shape not a list", d -> model(d, VALID.replace("\"shape\": [3, 2]", "\"shape\": \"3x2\""),
                "/params/W/shape", "shape must be a list"));
        // ---- init values
        cases.put("value array of the wrong size", d -> model(d, VALID.replace("\"shape\": [3, 2], \"init\": {\"normal\": {\"std\": 0.5}}",
                "\"shape\": [3, 2], \"init\": {\"value\": [[1, 2], [3, 4]]}"), "/params/W/init/value", "[3, 2]"));
        cases.put("value array of the wrong nesting", d -> model(d, VALID.replace("\"shape\": [3, 2], \"init\": {\"normal\": {\"std\": 0.5}}",
                "\"shape\": [3, 2], \"init\": {\"value\": [1, 2, 3, 4, 5, 6]}"), "/params/W/init/value", "[3, 2]"));
        cases.put("value of the wrong type", d -> model(d, VALID.replace("\"shape\": [3, 2], \"init\": {\"normal\": {\"std\": 0.5}}",
                "\"shape\": [3, 2], \"init\": {\"value\": [[1, 2], [3, \"x\"], [5, 6]]}"), "/params/W/init/value/1/1", "found a string"));
        cases.put("unknown init", d -> model(d, VALID.replace("\"init\": \"zeros\"", "\"init\": \"zeroes\""),
                "/params/b/init", "unknown init", "did you mean"));
        // ---- limits on the JSON
        cases.put("deeply nested JSON", d -> model(d, VALID.replace("\"seed\": 3,",
                "\"description\": " + "[".repeat(5000) + "]".repeat(5000) + ", \"seed\": 3,"),
                "limit exceeded", "nesting depth", "line 4", "(64)"));
        cases.put("megabyte-long key", d -> model(d, VALID.replace("\"b\": {\"shape\": [2]",
                "\"" + "b".repeat(1_000_000) + "\": {\"shape\": [2]"), "limit exceeded: a key longer than the limit of", "line 11"));
        cases.put("megabyte-long string", d -> model(d, VALID.replace("{\"name\": \"h\",",
                "{\"name\": \"" + "h".repeat(2_000_000) + "\","), "limit exceeded: a string longer than the limit of 1,000,000 characters", "line 16"));
        cases.put("long name", d -> model(d, VALID.replace("{\"name\": \"h\",", "{\"name\": \"" + "h".repeat(100_000) + "\",")
                .replace("[\"h\", \"y\"]", "[\"" + "h".repeat(100_000) + "\", \"y\"]"),
                "/nodes/2", "a name of 100000 characters is over the limit of 256"));
        cases.put("huge number", d -> model(d, VALID.replace("\"seed\": 3", "\"seed\": 1" + "0".repeat(5000)),
                "limit exceeded", "Number value length", "line 4"));
        // ---- data files
        cases.put("missing .npz", d -> model(d, fileInit("values.npz"), "/params/W/init/file", "values.npz",
                "no such file"));
        cases.put("corrupt .npz", d -> {
            Files.write(d.resolve("values.npz"), "this is not a zip archive at all".getBytes());
            return model(d, fileInit("values.npz"), "/params/W/init/file", "values.npz");
        });
        cases.put("truncated .npz", d -> {
            Path npz = d.resolve("values.npz");
            Npz.write(npz, Map.of("W", Tensor.of(new double[6], 3, 2)));
            byte[] all = Files.readAllBytes(npz);
            Files.write(npz, Arrays.copyOf(all, all.length / 2));
            return model(d, fileInit("values.npz"), "/params/W/init/file", "values.npz");
        });
        cases.put("wrong dtype in .npz", d -> {
            Npz.write(d.resolve("values.npz"), Map.of("W", Tensor.ofLongs(new long[6], 3, 2)));
            return model(d, fileInit("values.npz"), "/params/W", "values.npz", "int64", "float64");
        });
        cases.put("wrong shape in .npz", d -> {
            Npz.write(d.resolve("values.npz"), Map.of("W", Tensor.of(new double[6], 2, 3)));
            return model(d, fileInit("values.npz"), "/params/W", "values.npz", "[2, 3]", "[3, 2]");
        });
        cases.put("wrong key in .npz", d -> {
            Npz.write(d.resolve("values.npz"), Map.of("V", Tensor.of(new double[6], 3, 2)));
            return model(d, fileInit("values.npz"), "/params/W", "values.npz", "no array 'W'", "V");
        });
        cases.put("missing .npy", d -> model(d, fileInit("W.npy"), "/params/W/init/file", "W.npy", "no such file"));
        cases.put("corrupt .npy", d -> {
            Files.write(d.resolve("W.npy"), "\u0093NUMPY garbage".getBytes());
            return model(d, fileInit("W.npy"), "/params/W/init/file", "W.npy");
        });
        cases.put("truncated .npy", d -> {
            byte[] all = Npy.toBytes(Tensor.of(new double[6], 3, 2));
            Files.write(d.resolve("W.npy"), Arrays.copyOf(all, all.length - 9));
            return model(d, fileInit("W.npy"), "/params/W/init/file", "W.npy");
        });
        cases.put("wrong shape in .npy", d -> {
            Npy.write(d.resolve("W.npy"), Tensor.of(new double[4], 4));
            return model(d, fileInit("W.npy"), "/params/W", "W.npy", "[4]", "[3, 2]");
        });
        // ---- class targets
        cases.put("class targets out of range (init)", d -> model(d, VALID.replace("\"high\": 2", "\"high\": 5"),
                "/inputs/y/init", "cross_entropy 'loss'", "[0, 2)"));
        cases.put("class targets out of range (value)", d -> model(d, VALID.replace(
                "\"init\": {\"randint\": {\"low\": 0, \"high\": 2}}", "\"init\": {\"value\": [0, 1, 2, 1]}"),
                "/inputs/y/init", "cross_entropy 'loss'", "2", "[0, 2)"));
        // ---- --values files
        cases.put("--values: class targets out of range", d -> values(d,
                Map.of("y", Tensor.ofLongs(new long[] {0, 1, 7, 1}, 4)), "y", "7", "[0, 2)"));
        cases.put("--values: negative class target", d -> values(d,
                Map.of("y", Tensor.ofLongs(new long[] {0, -1, 1, 1}, 4)), "y", "-1"));
        cases.put("--values: wrong shape", d -> values(d, Map.of("W", Tensor.of(new double[6], 6)),
                "'W'", "[6]", "[3, 2]"));
        cases.put("--values: wrong dtype", d -> values(d, Map.of("W", Tensor.ofLongs(new long[6], 3, 2)),
                "'W'", "int64", "float64"));
        cases.put("--values: unknown key", d -> values(d, Map.of("Q", Tensor.of(new double[6], 3, 2)),
                "'Q'", "not an input or param"));
        cases.put("--values: corrupt", d -> {
            Path m = write(d, "model.json", VALID);
            Path v = d.resolve("v.npz");
            Files.write(v, new byte[] {'P', 'K', 3, 4, 0, 0});
            return new Case(List.of("check", m.toString(), "--values", v.toString()), List.of("v.npz"));
        });
        cases.put("--values: missing", d -> {
            Path m = write(d, "model.json", VALID);
            return new Case(List.of("check", m.toString(), "--values", d.resolve("nope.npz").toString()),
                    List.of("nope.npz", "no such file"));
        });
        // ---- the model file itself
        cases.put("missing model file", d -> new Case(List.of("check", d.resolve("gone.json").toString()),
                List.of("gone.json", "no such file")));
        cases.put("model file is a directory", d -> new Case(List.of("check", d.toString()),
                List.of(d.getFileName().toString(), "is a directory")));

        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Setup> e : cases.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                Path dir = Files.createDirectories(shared.resolve("case" + (counter++)));
                Case c = e.getValue().make(dir);
                Run.Result r = assertTimeoutPreemptively(WITHIN, () -> Run.cli(c.args().toArray(String[]::new)),
                        "gradcheck " + String.join(" ", c.args()) + " took longer than " + WITHIN);
                assertEquals(3, r.exitCode(), e.getKey() + ": " + r);
                // the messages, as a user sees them, in the test log
                System.out.println("[" + e.getKey() + "] " + r.err().strip().replace(dir + java.io.File.separator, ""));
                for (String want : c.expected()) {
                    assertTrue(r.err().contains(want), e.getKey() + ": stderr lacks \"" + want + "\"\n" + r);
                }
                assertFalse(r.err().contains("`") || r.err().contains("StreamReadConstraints"),
                        e.getKey() + ": parser internals leaked\n" + r);
                assertFalse(r.hasStackTrace(), e.getKey() + ": a stack trace or exception class leaked\n" + r);
                assertTrue(r.err().startsWith("gradcheck check: error: "), e.getKey() + ": " + r);
                assertTrue(r.err().length() < 2000, e.getKey() + ": the message is short (" + r.err().length()
                        + " chars)\n" + r);
                assertEquals("", r.out(), e.getKey() + ": nothing on stdout");
            }));
        }
        return tests.stream();
    }

    /** W's init read from {@code file} (key W for an .npz). */
    private static String fileInit(String file) {
        String init = file.endsWith(".npz") ? "{\"file\": \"" + file + "\", \"key\": \"W\"}" : "{\"file\": \"" + file + "\"}";
        return VALID.replace("\"init\": {\"normal\": {\"std\": 0.5}}", "\"init\": " + init);
    }

    /** {@code check model.json} where model.json holds {@code text}; stderr names model.json and {@code more}. */
    private static Case model(Path dir, String text, String... more) throws IOException {
        return check(write(dir, "model.json", text), "model.json", more);
    }

    private static Case check(Path model, String file, String... more) {
        List<String> expected = new ArrayList<>(List.of(file));
        expected.addAll(List.of(more));
        return new Case(List.of("check", model.toString()), expected);
    }

    /** {@code check model.json --values v.npz}; stderr names v.npz and {@code more}. */
    private static Case values(Path dir, Map<String, Tensor> arrays, String... more) throws IOException {
        Path m = write(dir, "model.json", VALID);
        Path v = dir.resolve("v.npz");
        Npz.write(v, arrays);
        List<String> expected = new ArrayList<>(List.of("v.npz"));
        expected.addAll(List.of(more));
        return new Case(List.of("check", m.toString(), "--values", v.toString()), expected);
    }

    static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
