package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, defect 6: shapes and attributes near 2^31 are errors (exit 3), whatever the
 * {@code --max-*} limits say — conv2d with padding or dilation 2^31 − 1 passed with a wrapped
 * output shape, a [2^32 + 1] shape checked one entry, and a [2^31 − 1, 3] shape gave exit 4.
 */
class ShapeOverflowTest {
    private static final String MAX = Long.toString(Long.MAX_VALUE);

    @TempDir
    Path dir;

    private Run.Result check(String model, String... more) throws IOException {
        Path m = Files.writeString(dir.resolve("model.json"), model);
        String[] args = new String[2 + more.length];
        args[0] = "check";
        args[1] = m.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Run.cli(args));
        assertFalse(r.hasStackTrace(), r.toString());
        return r;
    }

    private static String cnn(String attrs) throws IOException {
        return Files.readString(Path.of("..", "examples", "small-cnn.json"))
                .replace("\"attrs\": {\"stride\": 1, \"padding\": 1}", "\"attrs\": " + attrs);
    }

    @Test
    void conv2dWithPaddingOrDilationOfTwoToThe31IsAnError() throws IOException {
        for (String attrs : new String[] {"{\"padding\": 2147483647}", "{\"dilation\": 2147483647}",
            "{\"padding\": [2147483647, 1]}", "{\"stride\": 2147483647, \"padding\": 2147483647}"}) {
            Run.Result r = check(cnn(attrs), "--max-tensor-elements", MAX, "--max-model-elements", MAX);
            assertEquals(3, r.exitCode(), attrs + "\n" + r);
            assertTrue(r.err().contains("/nodes/0") && r.err().contains("conv2d"), r.toString());
        }
    }

    @Test
    void aShapeBeyondTwoToThe31IsRefusedWhateverTheLimits() throws IOException {
        String huge = MalformedInputTest.VALID.replace("\"b\": {\"shape\": [2]", "\"b\": {\"shape\": [4294967297]");
        Run.Result r = check(huge, "--max-tensor-elements", MAX, "--max-model-elements", MAX);
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("/params/b/shape") && r.err().contains("4294967297"), r.toString());

        String wide = MalformedInputTest.VALID.replace("\"b\": {\"shape\": [2]", "\"b\": {\"shape\": [2147483647, 3]");
        Run.Result w = check(wide, "--max-tensor-elements", MAX, "--max-model-elements", MAX);
        assertEquals(3, w.exitCode(), w.toString());
        assertTrue(w.err().contains("/params/b/shape") && w.err().contains("[2147483647, 3]"), w.toString());
    }
}
