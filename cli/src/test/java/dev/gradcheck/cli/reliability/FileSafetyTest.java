package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File safety: {@code init.file} stays inside the model's folder unless
 * {@code --allow-outside-files}; {@code --output} and {@code grads --out} never replace a file
 * without {@code --force}, and leave no temporary files behind.
 */
class FileSafetyTest {
    @TempDir
    Path root;

    private Path modelDir;
    private Path outside;

    @BeforeEach
    void files() throws IOException {
        modelDir = Files.createDirectories(root.resolve("models"));
        outside = root.resolve("outside.npz");
        Npz.write(outside, Map.of("W", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2)));
    }

    private Path modelWithFile(String file) throws IOException {
        String text = MalformedInputTest.VALID.replace("\"init\": {\"normal\": {\"std\": 0.5}}",
                "\"init\": {\"file\": \"" + file.replace("\\", "\\\\") + "\", \"key\": \"W\"}");
        return MalformedInputTest.write(modelDir, "model.json", text);
    }

    @Test
    void dotDotIsRefusedUnlessAllowed() throws IOException {
        Path model = modelWithFile("../outside.npz");
        Run.Result r = Run.cli("check", model.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("model.json") && r.err().contains("/params/W/init/file")
                && r.err().contains("outside the model's folder") && r.err().contains("--allow-outside-files"),
                r.toString());
        Run.Result allowed = Run.cli("check", model.toString(), "--allow-outside-files");
        assertEquals(0, allowed.exitCode(), allowed.toString());
    }

    @Test
    void absolutePathIsRefusedUnlessAllowed() throws IOException {
        Path model = modelWithFile(outside.toAbsolutePath().toString());
        Run.Result r = Run.cli("check", model.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("outside the model's folder"), r.toString());
        assertEquals(0, Run.cli("check", model.toString(), "--allow-outside-files").exitCode());
    }

    @Test
    void symlinkOutOfTheFolderIsRefusedUnlessAllowed() throws IOException {
        Files.createSymbolicLink(modelDir.resolve("link.npz"), outside);
        Path model = modelWithFile("link.npz");
        Run.Result r = Run.cli("check", model.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("links outside the model's folder"), r.toString());
        assertEquals(0, Run.cli("check", model.toString(), "--allow-outside-files").exitCode());
    }

    @Test
    void aFileInsideTheFolderIsFine() throws IOException {
        Files.copy(outside, modelDir.resolve("w.npz"));
        Files.createDirectories(modelDir.resolve("data"));
        Files.copy(outside, modelDir.resolve("data/w.npz"));
        assertEquals(0, Run.cli("check", modelWithFile("w.npz").toString()).exitCode());
        Run.Result sub = Run.cli("check", modelWithFile("data/w.npz").toString());
        assertEquals(0, sub.exitCode(), sub.toString());
    }

    @Test
    void outputIsNeverReplacedWithoutForce() throws IOException {
        Path model = MalformedInputTest.write(modelDir, "tiny.json", MalformedInputTest.VALID);
        Path report = Files.writeString(root.resolve("report.json"), "precious");
        Run.Result r = Run.cli("check", model.toString(), "--format", "json", "--output", report.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("exists") && r.err().contains("--force"), r.toString());
        assertEquals("precious", Files.readString(report), "the file is untouched");

        Run.Result forced = Run.cli("check", model.toString(), "--format", "json", "--output", report.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(Files.readString(report).startsWith("{") && Files.readString(report).contains("\"checks\""));
        assertNoTemporaryFiles(root);
    }

    @Test
    void newOutputIsWrittenWhole() throws IOException {
        Path model = MalformedInputTest.write(modelDir, "tiny.json", MalformedInputTest.VALID);
        Path report = root.resolve("sub/dir/report.txt");
        Run.Result r = Run.cli("check", model.toString(), "-o", report.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.out(), "the report went to the file");
        assertTrue(Files.readString(report).contains("checks passed"), Files.readString(report));
        assertNoTemporaryFiles(root);
    }

    @Test
    void gradsOutIsNeverReplacedWithoutForce() throws IOException {
        Path model = MalformedInputTest.write(modelDir, "tiny.json", MalformedInputTest.VALID);
        Path out = Files.write(root.resolve("g.npz"), new byte[] {1, 2, 3});
        Run.Result r = Run.cli("grads", model.toString(), "--out", out.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--force"), r.toString());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out), "the file is untouched");

        Run.Result forced = Run.cli("grads", model.toString(), "--out", out.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals(List.of("W", "b"), List.copyOf(Npz.read(out).keySet()));
        assertNoTemporaryFiles(root);
    }

    @Test
    void reportOutputAndGradsOutTogetherAreBothGuarded() throws IOException {
        Path model = MalformedInputTest.write(modelDir, "tiny.json", MalformedInputTest.VALID);
        Path out = root.resolve("g.npz");
        Path report = Files.writeString(root.resolve("r.json"), "keep");
        Run.Result r = Run.cli("grads", model.toString(), "--out", out.toString(), "--format", "json", "-o",
                report.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertFalse(Files.exists(out), "nothing written when the report file is refused up front");
        assertEquals("keep", Files.readString(report));
    }

    @Test
    void anOutputNeverReplacesWhatTheSameRunReadsOrWrites() throws IOException {
        // before: --force replaced the model by its own report and --values by the gradients, and
        // 'grads --out g.npz -o g.npz' wrote the gradients, then failed on the report (exit 2)
        Path model = MalformedInputTest.write(modelDir, "tiny.json", MalformedInputTest.VALID);
        String text = Files.readString(model);
        Path values = root.resolve("v.npz");
        assertEquals(0, Run.cli("grads", model.toString(), "--out", values.toString()).exitCode());
        byte[] valueBytes = Files.readAllBytes(values);
        Path link = Files.createSymbolicLink(root.resolve("link.json"), model);
        Path g = root.resolve("g.npz");
        List<List<String>> runs = List.of(
                List.of("check", model.toString(), "-o", model.toString(), "--force"),
                List.of("check", modelDir.resolve("../models/./tiny.json").toString(), "-o", model.toString(), "--force"),
                List.of("check", link.toString(), "-o", model.toString(), "--force"),
                List.of("check", link.toString(), "-o", link.toString(), "--force"),
                List.of("grads", model.toString(), "--values", values.toString(), "--out", values.toString(), "--force"),
                List.of("compare", model.toString(), "--grads", values.toString(), "-o", values.toString(), "--force"),
                List.of("grads", model.toString(), "--out", g.toString(), "-o", g.toString()),
                List.of("flow", model.toString(), "--svg", g.toString(), "-o", g.toString(), "--force"),
                List.of("shapes", model.toString(), "-o", model.toString(), "--force"));
        for (List<String> args : runs) {
            Run.Result r = Run.cli(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), args + ": " + r);
            assertTrue(r.err().contains("name the same file"), args + ": " + r);
            assertEquals(text, Files.readString(model), args + ": the model is untouched");
            assertArrayEquals(valueBytes, Files.readAllBytes(values), args + ": the values are untouched");
            assertTrue(Files.isSymbolicLink(link), args + ": the link is untouched");
            assertFalse(Files.exists(g), args + ": nothing written");
        }
        Run.Result elsewhere = Run.cli("check", model.toString(), "-o", root.resolve("r.txt").toString());
        assertEquals(0, elsewhere.exitCode(), elsewhere.toString());
    }

    private static void assertNoTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> tmp = all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), tmp, "temporary files left behind");
        }
    }
}
