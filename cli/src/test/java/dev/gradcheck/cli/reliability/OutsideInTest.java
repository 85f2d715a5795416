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

    @Test
    @EnabledOnOs(OS.LINUX)
    void benchFiguresThatCannotReachStdoutAreAnError() throws Exception {
        // before: exit 0 with every figure lost
        String cmd = ChildProcess.shell(ChildProcess.command(List.of("-Xmx256m"), "bench", "--cases", "matmul",
                "--matmul-threads", "1", "--samples", "1")) + " >/dev/full";
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd);
        assertEquals(3, p.exitValue(), err);
        assertTrue(err.contains("gradcheck bench: error: stdout: cannot write the report"), err);
    }

    @Test
    void usageErrorsEscapeTheArgumentsTheyQuoteAndStayShort() {
        // before: picocli's message quoted the argument raw: a file name from a glob could clear
        // the screen or forge a line ("Unmatched argument at index 2: 'x<ESC>[31mRED<CR>PASS'")
        Run.Result r = run("check", "x.json", "x\u001b[31mRED\rPASS");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("'x\\u001b[31mRED\\u000dPASS'"), r.toString());
        Run.Result mode = run("check", "x.json", "--mode", "\u001b[2Jfast");
        assertEquals(2, mode.exitCode(), mode.toString());
        assertTrue(mode.err().contains("'\\u001b[2Jfast' is not one of"), mode.toString());
        Run.Result longWord = run("check", "x.json", "y".repeat(100_000));
        assertEquals(2, longWord.exitCode(), longWord.toString());
        assertTrue(longWord.err().length() < 1000 && longWord.err().contains("more characters)"), longWord.err());
        for (Run.Result each : List.of(r, mode, longWord)) {
            assertTrue(each.err().chars().noneMatch(c -> c < 0x20 && c != '\n'), each.toString());
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void argumentFilesAreRegularFilesOfBoundedSize() throws Exception {
        // before: picocli read @/dev/zero until the heap was gone and blocked on @fifo for ever
        // (both killed at the limit here), and echoed @/proc/self/environ's text, the environment
        Path fifo = dir.resolve("args.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path nested = Files.writeString(dir.resolve("nested.txt"), "check \"@/dev/zero\"\n");
        Path big = Files.writeString(dir.resolve("big.txt"), "check " + "x ".repeat(600_000));
        for (String[] c : List.of(new String[] {"@" + fifo, "a FIFO (named pipe)"},
                new String[] {"@/dev/zero", "a character device"}, new String[] {"@" + nested, "a character device"},
                new String[] {"@" + dir, "a directory"}, new String[] {"@" + big, "more than 1048576 bytes"})) {
            ProcessRun.Result r = ProcessRun.cli(LIMIT, c[0]);
            assertFalse(r.timedOut(), r.toString());
            assertEquals(2, r.exitCode(), c[0] + ": " + r);
            assertTrue(r.err().startsWith("gradcheck: @") && r.err().contains(c[1]), r.toString());
        }
        Path model = MalformedInputTest.write(dir, "tiny.json", MalformedInputTest.VALID);
        Path args = Files.writeString(dir.resolve("args.txt"), "# an argument file\ncheck '" + model + "' --seed 3\n");
        ProcessRun.Result ok = ProcessRun.cli(LIMIT, "@" + args);
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("seed 3"), ok.toString());
    }

    private static Run.Result run(String... args) {
        return assertTimeoutPreemptively(LIMIT, () -> Run.cli(args));
    }
}
