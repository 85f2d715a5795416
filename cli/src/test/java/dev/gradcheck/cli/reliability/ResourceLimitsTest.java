package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Element limits per tensor and per model: checked before anything is allocated, exit 3 with a
 * message naming the limit, and raised (or lowered) with {@code --max-tensor-elements} and
 * {@code --max-model-elements}.
 */
class ResourceLimitsTest {
    @TempDir
    Path dir;

    @Test
    void aTensorOverTheDefaultLimitIsRefusedAtOnce() throws IOException {
        // 1.6e10 doubles (128 GB): refused from the shape, nothing allocated
        Path m = MalformedInputTest.write(dir, "big.json",
                MalformedInputTest.VALID.replace("\"shape\": [3, 2]", "\"shape\": [3, 2]")
                        .replace("\"x\": {\"shape\": [4, 3]", "\"x\": {\"shape\": [4, 4000000000]"));
        Run.Result r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Run.cli("check", m.toString()));
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("big.json") && r.err().contains("/inputs/x/shape")
                && r.err().contains("16000000"), r.toString());
    }

    @Test
    void perTensorLimitCanBeLoweredAndRaised() throws IOException {
        Path m = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Run.Result low = Run.cli("check", m.toString(), "--max-tensor-elements", "10");
        assertEquals(3, low.exitCode(), low.toString());
        assertTrue(low.err().contains("/inputs/x") && low.err().contains("limit of 10 elements per tensor"),
                low.toString());
        assertFalse(low.hasStackTrace(), low.toString());
        Run.Result enough = Run.cli("check", m.toString(), "--max-tensor-elements", "12");
        assertEquals(0, enough.exitCode(), enough.toString());
    }

    @Test
    void perModelLimitCanBeLoweredAndRaised() throws IOException {
        Path m = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Run.Result low = Run.cli("check", m.toString(), "--max-model-elements", "20");
        assertEquals(3, low.exitCode(), low.toString());
        assertTrue(low.err().contains("more than the limit of 20 elements"), low.toString());
        assertEquals(0, Run.cli("check", m.toString(), "--max-model-elements", "1000").exitCode());
    }

    @Test
    void dataFileArraysObeyThePerTensorLimit() throws IOException {
        Path m = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Path v = dir.resolve("v.npz");
        Npz.write(v, Map.of("W", Tensor.of(new double[6], 3, 2), "big", Tensor.of(new double[5000], 5000)));
        Run.Result r = Run.cli("check", m.toString(), "--values", v.toString(), "--max-tensor-elements", "1000");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("v.npz") && r.err().contains("big") && r.err().contains("1000"), r.toString());
    }

    @Test
    void nonPositiveLimitsAreUsageErrors() throws IOException {
        Path m = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Run.Result r = Run.cli("check", m.toString(), "--max-tensor-elements", "0");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--max-tensor-elements"), r.toString());
    }
}
