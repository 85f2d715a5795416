package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defects a second attack from outside found after the red-team suites: option values at the
 * ends of their range, a model within every element limit that still exhausts a 512 MB heap, and
 * a report that never reached stdout. Each test failed before its fix (the comment says how).
 */
class OutsideInTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String MAX = Long.toString(Long.MAX_VALUE);

    @TempDir
    Path dir;

    @Test
    void aTimeoutOfCenturiesIsNoLimit() throws IOException {
        // before: timeoutMs * 1e6 wrapped around into the past, so every phase was "cut" at once:
        // exit 5, "INCOMPLETE: --timeout 9223372036854775807 ms ran out during loading the model"
        Path model = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Run.Result r = run("check", model.toString(), "--timeout", MAX);
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.out().contains("INCOMPLETE"), r.toString());
        Run.Result ops = run("ops", "--op", "tanh", "--timeout", MAX);
        assertEquals(0, ops.exitCode(), ops.toString());
    }

    @Test
    void anOpTimeoutOfCenturiesIsNoLimitForRegistryOps() {
        // before: Duration.toNanos overflowed: "ERROR tanh ... the check threw
        // java.lang.ArithmeticException: long overflow", exit 1
        Run.Result r = run("ops", "--op", "tanh", "--op-timeout", MAX);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("PASS  tanh"), r.toString());
        assertFalse(r.hasStackTrace(), r.toString());
    }

    /** Every tensor within the limits (12M elements each, 32M in all), yet more than 512 MB in use. */
    static final String HEAVY = """
            {
              "format": "gradcheck-model/1",
              "name": "heavy",
              "inputs": {"x": {"shape": [2, 4], "init": "ones"}},
              "params": {"W": {"shape": [4, 4], "init": {"normal": {"std": 0.5}}}},
              "nodes": [
                {"name": "y", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "z", "op": "expand", "inputs": ["y"], "attrs": {"size": [1500000, 2, 4]}},
                {"name": "t", "op": "tanh", "inputs": ["z"]},
                {"name": "loss", "op": "sum", "inputs": ["t"]}
              ],
              "output": "loss"
            }
            """;

    @Test
    void aModelThatExhaustsTheHeapIsOneLineAndExitThree() throws IOException {
        // before: "Exception in thread "main" java.lang.OutOfMemoryError: Java heap space" and its
        // stack trace, exit 1 (the code of a failed check) from the JVM
        Path model = MalformedInputTest.write(dir, "heavy.json", HEAVY);
        for (List<String> args : List.of(List.of("check", model.toString()),
                List.of("check", model.toString(), "--no-anomaly", "--timeout", "60000", "--format", "json"))) {
            ProcessRun.Result r = ProcessRun.cli(LIMIT, args.toArray(String[]::new));
            System.out.println(args.get(0) + " " + args.subList(2, args.size()) + ": " + r.millis() + " ms: " + r.err().strip());
            assertFalse(r.timedOut(), r.toString());
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.err().contains(": error: ran out of memory (Java heap space): this JVM's heap of at most "),
                    r.toString());
            assertFalse(r.asRun().hasStackTrace(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.toString());
            assertEquals("", r.out(), "no half report");
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aReportThatCannotReachStdoutIsAnErrorNotAVerdict() throws Exception {
        // before: exit 0 with nothing written, for stdout closed (>&-) and a full disk (/dev/full)
        Path model = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        for (String redirect : List.of(">&-", ">/dev/full")) {
            for (String format : List.of("text", "json")) {
                String cmd = ChildProcess.shell(ChildProcess.command(List.of("-Xmx256m"), "check", model.toString(),
                        "--format", format)) + " " + redirect;
                Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), cmd);
                assertEquals(3, p.exitValue(), redirect + " " + format + ": " + err);
                assertTrue(err.contains("gradcheck check: error: stdout: cannot write the report"), err);
                assertFalse(err.contains("\tat "), err);
            }
        }
        // the same command with stdout open passes: the exit code above is the write's
        Run.Result open = run("check", model.toString());
        assertEquals(0, open.exitCode(), open.toString());
    }

    private static Run.Result run(String... args) {
        return assertTimeoutPreemptively(LIMIT, () -> Run.cli(args));
    }
}
