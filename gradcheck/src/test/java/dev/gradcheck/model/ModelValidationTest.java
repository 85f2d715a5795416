package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of invalid model file gives one {@link ModelFileException} naming file, place, node and problem. */
class ModelValidationTest {
    @TempDir
    Path dir;

    /** A valid model whose parts the tests replace. */
    static String model(String inputs, String params, String nodes, String output) {
        return "{\n  \"format\": \"gradcheck-model/1\",\n  \"inputs\": {" + inputs + "},\n  \"params\": {" + params
                + "},\n  \"nodes\": [\n" + nodes + "\n  ],\n  \"output\": \"" + output + "\"\n}\n";
    }

    static final String X = "\"x\": {\"shape\": [8, 4]}, \"y\": {\"shape\": [8], \"dtype\": \"int64\", "
            + "\"init\": {\"randint\": {\"high\": 3}}}";
    static final String W = "\"W1\": {\"shape\": [4, 3]}, \"b1\": {\"shape\": [3]}";

    static String mlp(String nodes) {
        return model(X, W, nodes, "loss");
    }

    static final String GOOD_NODES = "    {\"name\": \"z1\", \"op\": \"matmul\", \"inputs\": [\"x\", \"W1\"]},\n"
            + "    {\"name\": \"z\", \"op\": \"add\", \"inputs\": [\"z1\", \"b1\"]},\n"
            + "    {\"name\": \"loss\", \"op\": \"cross_entropy\", \"inputs\": [\"z\", \"y\"]}";

    private Path write(String text) throws IOException {
        Path f = dir.resolve("m.json");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private ModelFileException fails(String text, String... expected) throws IOException {
        return fails(text, Limits.DEFAULT, expected);
    }

    private ModelFileException fails(String text, Limits limits, String... expected) throws IOException {
        Path f = write(text);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f, limits));
        assertTrue(e.getMessage().startsWith(f.toString()), "message names the file: " + e.getMessage());
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "expected \"" + s + "\" in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void goodModelLoads() throws IOException {
        Model m = ModelLoader.load(write(mlp(GOOD_NODES)));
        assertEquals("[8, 3]", m.shape("z").toString());
        assertEquals("[]", m.shape("loss").toString());
        assertEquals("m", m.name());
    }

    @Test
    void byteOrderMarkIsAccepted() throws IOException {
        Path f = dir.resolve("bom.json");
        Files.write(f, ("\uFEFF" + mlp(GOOD_NODES)).getBytes(StandardCharsets.UTF_8));
        assertEquals(3, ModelLoader.load(f).nodes().size());
    }

    @Test
    void notJson() throws IOException {
        ModelFileException e = fails("{\"format\": \"gradcheck-model/1\",\n  inputs: {}}", "not valid JSON");
        assertEquals(2, e.line());
    }

    @Test
    void truncatedJson() throws IOException {
        fails(mlp(GOOD_NODES).substring(0, 80), "truncated JSON");
    }

    @Test
    void emptyFile() throws IOException {
        fails("  \n", "empty");
    }

    @Test
    void trailingContent() throws IOException {
        fails(mlp(GOOD_NODES) + "{}", "not valid JSON");
    }

    @Test
    void notAnObject() throws IOException {
        fails("[1, 2]", "expected a JSON object");
    }

    @Test
    void missingFormatTag() throws IOException {
        fails(mlp(GOOD_NODES).replace("\"format\": \"gradcheck-model/1\",", ""), "missing \"format\"");
    }

    @Test
    void wrongFormatTag() throws IOException {
        ModelFileException e = fails(mlp(GOOD_NODES).replace("model/1", "model/2"), "/format",
                "\"gradcheck-model/2\"", "reads \"gradcheck-model/1\"");
        assertEquals("/format", e.pointer());
        assertEquals(2, e.line());
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        fails(mlp(GOOD_NODES).replace("\"inputs\"", "\"parms\": {}, \"inputs\""), "/parms",
                "unknown top-level key \"parms\"", "did you mean params");
    }

    @Test
    void missingRequiredKeys() throws IOException {
        fails("{\"format\": \"gradcheck-model/1\", \"inputs\": {}}", "missing required keys \"params\", \"nodes\", "
                + "\"output\"");
        fails("{\"format\": \"gradcheck-model/1\", \"inputs\": {}, \"layers\": []}", "missing required keys",
                "\"input\"", "\"target\"", "\"loss\"");
    }

    @Test
    void unknownOpNamesNearest() throws IOException {
        ModelFileException e = fails(mlp(GOOD_NODES.replace("\"matmul\"", "\"matmull\"")), "/nodes/0/op",
                "unknown op 'matmull'", "did you mean matmul");
        assertEquals("z1", e.node());
        assertEquals(6, e.line());
        assertTrue(e.column() > 1, "column " + e.column());
    }

    @Test
    void undefinedName() throws IOException {
        ModelFileException e = fails(mlp(GOOD_NODES.replace("[\"x\", \"W1\"]", "[\"x\", \"W2\"]")),
                "/nodes/0/inputs/1", "undefined name 'W2'", "did you mean W1");
        assertEquals("/nodes/0/inputs/1", e.pointer());
        assertEquals("z1", e.node());
    }

    @Test
    void duplicateNames() throws IOException {
        ModelFileException e = fails(mlp(GOOD_NODES.replace("\"name\": \"z\"", "\"name\": \"x\"")
                .replace("[\"z\", \"y\"]", "[\"x\", \"y\"]")), "/nodes/1", "duplicate name 'x'", "/inputs/x");
        assertEquals("x", e.node());
        // the same key twice in one JSON object: named, with where (tester 16, finding 19)
        fails(model(X, W + ", \"W1\": {\"shape\": [4, 3]}", GOOD_NODES, "loss"),
                ": /params/W1 (line ", "duplicate name 'W1': a JSON object holds each key once");
    }

    /**
     * Tester 16, finding 19: a bare NaN got Jackson's advice to enable a reader feature, and a
     * 2,000,000-character string "String value length (1048576)", not its length.
     */
    @Test
    void jsonErrorsSpeakOfTheFileNotOfTheParser() throws IOException {
        ModelFileException nan = fails(model("\"x\": {\"shape\": [1], \"init\": {\"value\": [NaN]}}", W, "", "x"),
                "not valid JSON: 'NaN' is not a JSON value (JSON has no NaN or Infinity");
        assertFalse(nan.getMessage().contains("JsonReadFeature"), nan.getMessage());
        ModelFileException longString = fails(model("\"x\": {\"shape\": [2]}", W, "    {\"name\": \""
                + "m".repeat(2_000_000) + "\", \"op\": \"sum\", \"inputs\": [\"x\"]}", "s"),
                "limit exceeded: a string longer than the limit of 1,000,000 characters");
        assertFalse(longString.getMessage().contains("1048576"), longString.getMessage());
    }

    @Test
    void useBeforeDefinition() throws IOException {
        String nodes = "    {\"name\": \"z\", \"op\": \"add\", \"inputs\": [\"z1\", \"b1\"]},\n"
                + "    {\"name\": \"z1\", \"op\": \"matmul\", \"inputs\": [\"x\", \"W1\"]},\n"
                + "    {\"name\": \"loss\", \"op\": \"cross_entropy\", \"inputs\": [\"z\", \"y\"]}";
        fails(mlp(nodes), "/nodes/0/inputs/0", "uses 'z1' before its definition at /nodes/1");
    }

    @Test
    void cycles() throws IOException {
        String nodes = "    {\"name\": \"a\", \"op\": \"add\", \"inputs\": [\"b\", \"b1\"]},\n"
                + "    {\"name\": \"b\", \"op\": \"add\", \"inputs\": [\"a\", \"b1\"]},\n"
                + "    {\"name\": \"loss\", \"op\": \"sum\", \"inputs\": [\"b\"]}";
        fails(model(X, W, nodes, "loss"), "/nodes/0/inputs/0", "cycle: a -> b -> a");
        String self = "    {\"name\": \"a\", \"op\": \"add\", \"inputs\": [\"a\", \"b1\"]},\n"
                + "    {\"name\": \"loss\", \"op\": \"sum\", \"inputs\": [\"a\"]}";
        fails(model(X, W, self, "loss"), "takes its own output as input: a cycle");
    }

    @Test
    void wrongArity() throws IOException {
        ModelFileException e = fails(mlp(GOOD_NODES.replace("[\"x\", \"W1\"]", "[\"x\"]")), "/nodes/0/inputs",
                "matmul 'z1': takes 2 inputs", "got 1");
        assertEquals("z1", e.node());
    }

    @Test
    void wrongAttributeTypes() throws IOException {
        String nodes = GOOD_NODES.replace("[\"z\", \"y\"]}", "[\"z\", \"y\"], \"attrs\": {\"reduction\": 3}}");
        fails(mlp(nodes), "/nodes/2/attrs/reduction", "cross_entropy 'loss': attribute 'reduction' must be");
        String badChoice = GOOD_NODES.replace("[\"z\", \"y\"]}", "[\"z\", \"y\"], \"attrs\": {\"reduction\": \"avg\"}}");
        fails(mlp(badChoice), "attribute 'reduction' must be one of", "\"avg\"");
        String unknown = GOOD_NODES.replace("[\"z\", \"y\"]}", "[\"z\", \"y\"], \"attrs\": {\"dim\": 1}}");
        fails(mlp(unknown), "/nodes/2/attrs", "cross_entropy 'loss': unknown attribute 'dim'");
        String object = GOOD_NODES.replace("[\"z\", \"y\"]}", "[\"z\", \"y\"], \"attrs\": {\"reduction\": {}}}");
        fails(mlp(object), "/nodes/2/attrs/reduction", "attribute values are numbers, strings");
    }

    @Test
    void negativeAndAbsurdDimensions() throws IOException {
        ModelFileException e = fails(model("\"x\": {\"shape\": [8, -4]}", W, GOOD_NODES, "loss"), "/inputs/x/shape/1",
                "negative dimension -4 in shape [8, -4]");
        assertEquals("x", e.node());
        fails(model("\"x\": {\"shape\": [100000, 100000]}", W, GOOD_NODES, "loss"), "/inputs/x/shape",
                "more than the limit of 16000000 elements per tensor");
        fails(model("\"x\": {\"shape\": [99999999999999999999]}", W, GOOD_NODES, "loss"), "absurd dimension");
        fails(model("\"x\": {\"shape\": [2.5]}", W, GOOD_NODES, "loss"), "not an integer");
        fails(model("\"x\": {\"shape\": 8}", W, GOOD_NODES, "loss"), "shape must be a list");
    }

    @Test
    void valueArraysOfWrongSizeOrNesting() throws IOException {
        fails(model("\"x\": {\"shape\": [2, 2], \"init\": {\"value\": [[1, 2], [3]]}}", W, "", "x"),
                "/inputs/x/init/value/1", "does not nest as its shape [2, 2]", "expected a list of 2 at depth 1",
                "found a list of 1");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"value\": 1}}", W, "", "x"),
                "expected a list of 2 at depth 0, found a number");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"value\": [[1], [2]]}}", W, "", "x"),
                "/inputs/x/init/value/0", "with numbers inside; found a list at depth 1");
        fails(model("\"x\": {\"shape\": [], \"init\": {\"value\": [1]}}", W, "", "x"), "a 0-d tensor takes a bare number");
        fails(model("\"x\": {\"shape\": [1], \"init\": {\"value\": [\"a\"]}}", W, "", "x"), "found a string");
        fails(model("\"y\": {\"shape\": [1], \"dtype\": \"int64\", \"init\": {\"value\": [1.5]}}", W, "", "y"),
                "is int64, but the value 1.5 is not an integer");
    }

    @Test
    void shapeInferenceNamesTheNode() throws IOException {
        ModelFileException e = fails(model(X, "\"W1\": {\"shape\": [3, 16]}, \"b1\": {\"shape\": [3]}", GOOD_NODES,
                "loss"), "/nodes/0", "matmul 'z1': ", "[8, 4]", "[3, 16]");
        assertEquals("z1", e.node());
        assertTrue(!e.problem().contains("matmul: "), "the engine's 'matmul: ' prefix is replaced: " + e.problem());
        assertEquals("{x=[8, 4], y=[8], W1=[3, 16], b1=[3]}", e.shapesSoFar().toString(), "the table up to the mismatch");
    }

    @Test
    void classTargetsOutOfRange() throws IOException {
        String y5 = X.replace("\"high\": 3", "\"high\": 5");
        fails(model(y5, W, GOOD_NODES, "loss"), "/inputs/y/init", "cross_entropy 'loss'",
                "class target 'y' has init randint [0, 5), but must lie in [0, 3)");
        String yv = "\"x\": {\"shape\": [2, 4]}, \"y\": {\"shape\": [2], \"dtype\": \"int64\", \"init\": {\"value\": [0, 3]}}";
        fails(model(yv, W, GOOD_NODES, "loss"), "class target 'y' holds 3 at index [1], outside [0, 3)");
    }

    @Test
    void classProbabilityTargetsHaveTheInputsShapeAndAreFloat64() throws IOException {
        String p = "\"x\": {\"shape\": [8, 4]}, \"p\": {\"shape\": [8, 3], \"init\": {\"uniform\": {\"low\": 0, "
                + "\"high\": 1}}}";
        String nodes = GOOD_NODES.replace("[\"z\", \"y\"]", "[\"z\", \"p\"]");
        Model m = ModelLoader.load(write(model(p, W, nodes, "loss")));
        assertEquals("[]", m.shape("loss").toString());
        fails(model(p.replace("\"init\"", "\"dtype\": \"int64\", \"init\"").replace("uniform", "randint"), W, nodes,
                "loss"), "/nodes/2/inputs/1", "cross_entropy 'loss': input 'target' must be float64, but 'p' is int64 of "
                + "shape [8, 3]: a 'target' of the first input's shape [8, 3] holds real values (float64)",
                "(declare it with \"dtype\": \"float64\")");
        fails(model(p.replace("[8, 3]", "[8, 2]"), W, nodes, "loss"), "/nodes/2", "target [8, 2] does not fit input "
                + "[8, 3]: expected int64 class indices of shape [8]", "or float64 class probabilities of the input's "
                + "shape [8, 3]");
        fails(model(p, W, nodes.replace("\"inputs\": [\"z\", \"p\"]}", "\"inputs\": [\"z\", \"p\"], "
                + "\"attrs\": {\"ignore_index\": 0}}"), "loss"), "ignore_index 0 is not supported for a target of class "
                + "probabilities");
        String nll = GOOD_NODES.replace("[\"z\", \"y\"]", "[\"z\", \"p\"]").replace("cross_entropy", "nll_loss");
        fails(model(p, W, nll, "loss"), "nll_loss 'loss': input 'target' must be int64, but 'p' is float64");
    }

    @Test
    void embeddingIndicesOutOfRange() throws IOException {
        String in = "\"t\": {\"shape\": [4], \"dtype\": \"int64\", \"init\": {\"randint\": {\"high\": 11}}}";
        String nodes = "    {\"name\": \"e\", \"op\": \"embedding\", \"inputs\": [\"t\", \"E\"]},\n"
                + "    {\"name\": \"loss\", \"op\": \"sum\", \"inputs\": [\"e\"]}";
        fails(model(in, "\"E\": {\"shape\": [10, 3]}", nodes, "loss"), "embedding index 't'", "[0, 10)");
    }

    @Test
    void dtypesOfNodeInputs() throws IOException {
        String yf = X.replace("\"dtype\": \"int64\", \"init\": {\"randint\": {\"high\": 3}}", "\"init\": \"zeros\"");
        fails(model(yf, W, GOOD_NODES, "loss"), "/nodes/2/inputs/1", "cross_entropy 'loss': input 'target' must be int64",
                "but 'y' is float64");
        fails(model(X, W.replace("\"shape\": [3]}", "\"shape\": [3], \"dtype\": \"int64\"}"), GOOD_NODES, "loss"),
                "param 'b1' is int64");
        fails(model("\"x\": {\"shape\": [2], \"dtype\": \"float32\"}", W, "", "x"), "dtype must be \"float64\" or \"int64\"");
        fails(model("\"y\": {\"shape\": [2], \"dtype\": \"int64\", \"init\": \"xavier\"}", W, "", "y"),
                "its init must be zeros, ones, randint, value or file");
    }

    @Test
    void outputMustBeADefinedScalar() throws IOException {
        fails(model(X, W, GOOD_NODES, "z"), "/output", "output 'z' has shape [8, 3]");
        fails(model(X, W, GOOD_NODES, "los"), "output 'los' is not defined", "did you mean loss");
    }

    @Test
    void badInits() throws IOException {
        fails(model("\"x\": {\"shape\": [2], \"init\": \"gaussian\"}", W, "", "x"), "unknown init \"gaussian\"");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"normall\": {}}}", W, "", "x"), "/inputs/x/init/normall",
                "did you mean normal");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"normal\": {\"sd\": 1}}}", W, "", "x"), "unknown key \"sd\"");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"normal\": {\"std\": -1}}}", W, "", "x"), "std must be >= 0");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"uniform\": {\"low\": 1, \"high\": 0}}}", W, "", "x"),
                "low <= high");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"randint\": {\"low\": 3, \"high\": 3}}}", W, "", "x"),
                "low < high");
        fails(model("\"x\": {\"shape\": [2], \"init\": \"kaiming\"}", W, "", "x"), "kaiming init needs a tensor of rank 2");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"normal\": {\"std\": 1e999}}}", W, "", "x"), "finite number");
    }

    /** A chain of {@code n} nodes on x: z0 = x @ W1, then tanh and add b1 in turn, summed by the last. */
    private static String chain(int n) {
        StringBuilder nodes = new StringBuilder("    {\"name\": \"z0\", \"op\": \"matmul\", \"inputs\": [\"x\", \"W1\"]}");
        for (int i = 1; i < n - 1; i++) {
            nodes.append(",\n    {\"name\": \"z").append(i).append(i % 2 == 1 ? "\", \"op\": \"tanh\", \"inputs\": [\"z"
                    : "\", \"op\": \"add\", \"inputs\": [\"b1\", \"z").append(i - 1).append("\"]}");
        }
        nodes.append(",\n    {\"name\": \"loss\", \"op\": \"sum\", \"inputs\": [\"z").append(n - 2).append("\"]}");
        return model(X, W, nodes.toString(), "loss");
    }

    @Test
    void aModelOfAsManyNodesAsTheLimitAllowsFitsTheJsonBudget() throws IOException {
        // a node is an object with a list of inputs: 100,000 of them once crossed the JSON budget's
        // 200,000 lists and objects, refused with a word about large values that did not apply
        String atTheLimit = chain(Limits.DEFAULT_MAX_NODES);
        JsonBudget.check(atTheLimit, dir.resolve("m.json"), Limits.DEFAULT); // no ModelFileException
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> JsonBudget.check(atTheLimit, dir.resolve("m.json"), Limits.DEFAULT.withMaxNodes(1)));
        assertTrue(e.getMessage().contains("more than 200004 JSON lists and objects"), e::getMessage);
        fails(chain(Limits.DEFAULT_MAX_NODES + 1), "/nodes", "nodes, more than the limit of " + Limits.DEFAULT_MAX_NODES,
                "--max-model-nodes");
    }

    @Test
    void limits() throws IOException {
        Limits small = Limits.DEFAULT.withElements(100, 60);
        fails(model(X, W, GOOD_NODES, "loss"), small, "the model holds more than the limit of 60 elements");
        fails(model(X, W, GOOD_NODES, "loss"), Limits.DEFAULT.withMaxNodes(2), "/nodes", "nodes, more than the limit of 2",
                "--max-model-nodes");
        fails(model("\"x\": {\"shape\": [11, 10]}", "", "", "x"), small, "more than the limit of 100 elements per tensor");
        StringBuilder deep = new StringBuilder();
        deep.append("[".repeat(100)).append("]".repeat(100));
        fails(model("\"x\": {\"shape\": [1], \"init\": {\"value\": " + deep + "}}", W, "", "x"), "limit exceeded",
                "nesting depth");
        String longName = "n".repeat(300);
        fails(model("\"x\": {\"shape\": [2]}", W, "    {\"name\": \"" + longName + "\", \"op\": \"sum\", \"inputs\": "
                + "[\"x\"]}", longName), "a name of 300 characters is over the limit of 256");
        fails(model("\"x\": {\"shape\": [2]}", W, "", "x") .replace("\"x\"", "\"" + "k".repeat(2000) + "\""),
                "limit exceeded", "a key longer than the limit of 1,000 characters");
        String megabyte = "m".repeat(1 << 20);
        fails(model("\"x\": {\"shape\": [2]}", W, "    {\"name\": \"" + megabyte + "\", \"op\": \"sum\", \"inputs\": "
                + "[\"x\"]}", "s"), "limit exceeded", "a string longer than the limit of 1,000,000 characters");
        fails(model("\"x\": {\"shape\": [2]}", W, "", "x"), Limits.DEFAULT.withJson(64, 10),
                "limit exceeded", "a string longer than the limit of 10 characters");
    }

    @Test
    void fileInits() throws IOException {
        Map<String, Tensor> arrays = new java.util.LinkedHashMap<>();
        arrays.put("a", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        arrays.put("i", Tensor.ofLongs(new long[] {1, 2}, 2));
        Npz.write(dir.resolve("v.npz"), arrays);
        Model m = ModelLoader.load(write(model("\"x\": {\"shape\": [2, 2], \"init\": {\"file\": \"v.npz\", \"key\": \"a\"}}",
                "", "    {\"name\": \"s\", \"op\": \"sum\", \"inputs\": [\"x\"]}", "s")));
        assertEquals(10.0, m.loss(m.initialValues()), 0);
        fails(model("\"x\": {\"shape\": [2, 2], \"init\": {\"file\": \"v.npz\", \"key\": \"b\"}}", "", "", "x"),
                "/inputs/x/init", "v.npz has no array 'b'; it holds a, i");
        fails(model("\"x\": {\"shape\": [4], \"init\": {\"file\": \"v.npz\", \"key\": \"a\"}}", "", "", "x"),
                "array 'a' has shape [2, 2], but 'x' has shape [4]");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"file\": \"v.npz\", \"key\": \"i\"}}", "", "", "x"),
                "array 'i' is int64, but 'x' is float64");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"file\": \"missing.npz\", \"key\": \"i\"}}", "", "", "x"),
                "/inputs/x/init/file", "missing.npz", "no such file");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"file\": \"../v.npz\", \"key\": \"i\"}}", "", "", "x"),
                "outside the model's folder");
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"file\": \"/etc/passwd\", \"key\": \"i\"}}", "", "", "x"),
                "outside the model's folder");
        Files.write(dir.resolve("bad.npz"), new byte[] {1, 2, 3, 4, 5});
        fails(model("\"x\": {\"shape\": [2], \"init\": {\"file\": \"bad.npz\", \"key\": \"i\"}}", "", "", "x"),
                "/inputs/x/init/file", "bad.npz");
    }

    @Test
    void symlinkOutOfTheFolderIsRefused() throws IOException {
        Path outside = Files.createTempDirectory("gc-outside");
        try {
            Npz.write(outside.resolve("v.npz"), Map.of("a", Tensor.of(new double[] {1, 2}, 2)));
            Files.createSymbolicLink(dir.resolve("link.npz"), outside.resolve("v.npz"));
            fails(model("\"x\": {\"shape\": [2], \"init\": {\"file\": \"link.npz\", \"key\": \"a\"}}", "",
                    "    {\"name\": \"s\", \"op\": \"sum\", \"inputs\": [\"x\"]}", "s"),
                    "links outside the model's folder");
            Model m = ModelLoader.load(dir.resolve("m.json"), Limits.DEFAULT.withAllowOutsideFiles(true));
            assertEquals(2, m.initialValues().get("x").size());
        } finally {
            Files.deleteIfExists(outside.resolve("v.npz"));
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void missingModelFile() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(dir.resolve("none.json")));
        assertAll(() -> assertTrue(e.getMessage().contains("none.json")), () -> assertTrue(e.getMessage().contains("no such file")));
    }

    @Test
    void notUtf8() throws IOException {
        Path f = dir.resolve("bin.json");
        Files.write(f, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }
}
