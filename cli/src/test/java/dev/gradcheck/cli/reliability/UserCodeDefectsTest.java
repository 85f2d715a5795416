package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.cli.TestJars;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's defects of user code and names, each reproduced as a user saw it: 1 (an op that
 * exits, halts or interrupts silenced the run: exit 0, no output, a wrong op never reported), 4
 * (an {@code Error} from an op lost the whole report), 5 (an op holding {@code System.out}'s lock
 * hung the run) and 10 (control characters in names, messages and output reached the terminal;
 * an op printing to stdout broke {@code --format json}). The JVM-ending cases run the command line
 * as a process of its own, as the real {@code bin/gradcheck} does.
 */
class UserCodeDefectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROCESS_LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static Path classes;

    @BeforeAll
    static void compileHostileOps() throws IOException {
        classes = TestJars.compileResources(dir, "hostile-ops");
    }

    private static Path jar(String name, String... services) throws IOException {
        List<String> list = new ArrayList<>();
        for (String s : services) {
            list.add("hostile." + s);
        }
        return TestJars.jar(classes, dir.resolve(name + ".jar"), list, List.of());
    }

    /** Defect 1: exit, halt and a static initialiser that exits must not switch the CI guard off. */
    @Test
    void defect1ExitAndHaltAreThatOpsErrorAndTheWrongOpIsStillReported() throws IOException {
        Path jar = jar("exits", "ExitInBackward", "WrongGradient", "HaltInForward", "ExitInStaticInit",
                "ExitInHelperInit", "Square");
        ProcessRun.Result r = ProcessRun.cli(PROCESS_LIMIT, "ops", "--jar", jar.toString(), "--format", "json",
                "--threads", "1");
        assertEquals(1, r.exitCode(), "a wrong op and ops that end the JVM: exit 1\n" + r);
        JsonNode checks = JSON.readTree(r.out()).get("checks");
        expect(checks, "exit_in_backward", "error", "System.exit(0)");
        expect(checks, "wrong_gradient", "fail", "");
        expect(checks, "halt_in_forward", "error", "Runtime.halt");
        expect(checks, "hostile.ExitInStaticInit", "error", "System.exit(0)");
        expect(checks, "exit_in_helper_init", "error", "System.exit(0)");
        expect(checks, "square", "pass", "");
        assertEquals(6, checks.size(), r.out());
    }

    /** Defect 1: an op that interrupts the main thread gave "all 0 checks passed", exit 0. */
    @Test
    void defect1AnOpInterruptingTheMainThreadDoesNotDropTheReport() throws IOException {
        Path jar = jar("interrupts-main", "InterruptsMainThread", "WrongGradient", "Square");
        ProcessRun.Result r = ProcessRun.cli(PROCESS_LIMIT, "ops", "--jar", jar.toString(), "--format", "json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode checks = JSON.readTree(r.out()).get("checks");
        expect(checks, "interrupts_main_thread", "error", "interrupt");
        expect(checks, "wrong_gradient", "fail", "");
        expect(checks, "square", "pass", "");
    }

    /** Defect 1: an op that sets its own interrupt flag with --op-timeout 0 dropped every result. */
    @Test
    void defect1AnOpSettingItsOwnInterruptFlagWithNoOpTimeoutDoesNotDropTheReport() throws IOException {
        Path jar = jar("interrupts-itself", "InterruptsItself", "WrongGradient", "Square");
        ProcessRun.Result r = ProcessRun.cli(PROCESS_LIMIT, "ops", "--jar", jar.toString(), "--format", "json",
                "--op-timeout", "0");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode checks = JSON.readTree(r.out()).get("checks");
        expect(checks, "interrupts_itself", "error", "interrupt");
        expect(checks, "wrong_gradient", "fail", "");
        expect(checks, "square", "pass", "");
    }

    /** Defect 4: an Error or ThreadDeath from backward, name() or inputShapes() lost the whole report. */
    @Test
    void defect4ErrorsFromUserCodeAreThatOpsError() throws IOException {
        Path jar = jar("errors", "ThrowsError", "ThrowsThreadDeath", "ErrorInName", "ThreadDeathInInputShapes",
                "ErrorInInputShapes", "WrongGradient", "Square");
        Run.Result r = Run.cli("ops", "--jar", jar.toString(), "--format", "json", "--threads", "1");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode checks = JSON.readTree(r.out()).get("checks");
        expect(checks, "throws_error", "error", "backward threw Error: boom in backward");
        expect(checks, "throws_thread_death", "error", "backward threw ThreadDeath");
        expect(checks, "hostile.ErrorInName", "error", "name() threw Error: no name today");
        expect(checks, "thread_death_in_input_shapes", "error", "inputShapes() threw ThreadDeath");
        expect(checks, "error_in_input_shapes", "error", "inputShapes() threw AssertionError: shapes unknown");
        expect(checks, "wrong_gradient", "fail", "");
        expect(checks, "square", "pass", "");
        assertFalse(r.hasStackTrace(), r.toString());
    }

    /** Defect 5: an op whose thread keeps System.out's lock hung the run, --op-timeout or not. */
    @Test
    void defect5AnOpHoldingTheStdoutLockDoesNotHangTheRun() throws IOException {
        Path jar = jar("stdout-lock", "HoldsStdoutLock", "WrongGradient", "Square");
        ProcessRun.Result r = ProcessRun.cli(PROCESS_LIMIT, "ops", "--jar", jar.toString(), "--op-timeout", "5000",
                "--timeout", "30000");
        assertFalse(r.timedOut(), "the run hung: " + r);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  holds_stdout_lock"), r.toString());
        assertTrue(r.out().contains("FAIL  wrong_gradient"), r.toString());
        assertTrue(r.out().contains("PASS  square"), r.toString());
    }

    /** Defect 10: a name or message cannot forge a line or recolour the report. */
    @Test
    void defect10NamesAndMessagesAreEscapedInTheTextReport() throws IOException {
        Path jar = jar("ansi", "AnsiName", "AnsiMessage", "Square");
        Run.Result r = Run.cli("ops", "--jar", jar.toString(), "--threads", "1");
        assertEquals(1, r.exitCode(), r.toString());
        assertTerminalSafe(r.out() + r.err());
        assertTrue(r.out().contains("FAIL  ansi\\u001b[32m\\u000aPASS  fake_op\\u000d\\u001b[0m"), r.toString());
        assertTrue(r.out().contains("\\u001b[31mred\\u000aPASS  forged\\u001b[0m"), r.toString());
        assertTrue(r.out().contains("PASS  square"), r.toString());
        for (String line : r.out().split("\n")) {
            assertFalse(line.startsWith("PASS  fake_op") || line.startsWith("PASS  forged"), "a forged line: " + r);
        }
    }

    /** Defect 10: an op printing half a JSON document to stdout broke --format json. */
    @Test
    void defect10JsonStaysJsonWhateverAnOpPrints() throws IOException {
        Path jar = jar("prints", "PrintsJsonGarbage", "WrongGradient");
        ProcessRun.Result r = ProcessRun.cli(PROCESS_LIMIT, "ops", "--jar", jar.toString(), "--format", "json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertEquals("ops", root.get("command").asText(), r.out());
        assertEquals(2, root.get("checks").size(), r.out());
        JsonNode printing = find(root.get("checks"), "prints_json_garbage");
        assertEquals("pass", printing.get("status").asText(), printing.toString());
        assertTrue(printing.path("output").asText().contains("\"passed\": true"), "captured: " + printing);
        assertFalse(r.out().contains("\u001b"), r.toString());
    }

    /** Defect 10: names from model and data files cannot forge a line or recolour the terminal. */
    @Test
    void defect10NamesFromModelAndDataFilesAreEscaped() throws IOException {
        String forged = "W\u001b[31m\nPASS  forged\r";
        String model = MalformedInputTest.VALID.replace("\"W\"", "\"" + jsonEscape(forged) + "\"");
        Path m = Files.writeString(Files.createDirectories(dir.resolve("model")).resolve("model.json"), model);
        for (String[] args : List.of(new String[] {"check", m.toString()}, new String[] {"shapes", m.toString()})) {
            Run.Result r = Run.cli(args);
            assertEquals(0, r.exitCode(), r.toString());
            assertTerminalSafe(r.out() + r.err());
            assertTrue(r.out().contains("W\\u001b[31m\\u000aPASS  forged\\u000d"), Arrays.toString(args) + ": " + r);
        }
        Path bad = Files.writeString(m.resolveSibling("bad.json"), model.replace("\"op\": \"tanh\"",
                "\"op\": \"tanh\\u001b[2J\""));
        Run.Result unknownOp = Run.cli("check", bad.toString());
        assertEquals(3, unknownOp.exitCode(), unknownOp.toString());
        assertTerminalSafe(unknownOp.out() + unknownOp.err());
        assertTrue(unknownOp.err().contains("tanh\\u001b[2J"), unknownOp.toString());

        Path values = m.resolveSibling("v.npz");
        Npz.write(values, Map.of("Q\u001b[31m\nPASS  forged", Tensor.of(new double[6], 3, 2)));
        Run.Result member = Run.cli("check", m.toString(), "--values", values.toString());
        assertEquals(3, member.exitCode(), member.toString());
        assertTerminalSafe(member.out() + member.err());
        assertTrue(member.err().contains("Q\\u001b[31m\\u000aPASS  forged"), member.toString());
        assertEquals(1, member.err().strip().lines().count(), "one line per message: " + member);

        // an .npy whose header text carries an escape sequence and a line feed
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), '\u001b[31m\nPASS  forged': 1, }";
        header = header + " ".repeat(63 - (10 + header.length()) % 64) + "\n";
        java.io.ByteArrayOutputStream npy = new java.io.ByteArrayOutputStream();
        npy.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        npy.write(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        npy.write(new byte[48]);
        Files.write(m.resolveSibling("W.npy"), npy.toByteArray());
        Path withNpy = Files.writeString(m.resolveSibling("npy.json"), MalformedInputTest.VALID.replace(
                "\"init\": {\"normal\": {\"std\": 0.5}}", "\"init\": {\"file\": \"W.npy\"}"));
        Run.Result npyHeader = Run.cli("check", withNpy.toString());
        assertEquals(3, npyHeader.exitCode(), npyHeader.toString());
        assertTerminalSafe(npyHeader.out() + npyHeader.err());
        assertTrue(npyHeader.err().contains("\\u001b[31m\\u000aPASS  forged"), npyHeader.toString());
        assertEquals(1, npyHeader.err().strip().lines().count(), "one line per message: " + npyHeader);
    }

    /** No escape, carriage return, bell, backspace or other control character but line ends. */
    static void assertTerminalSafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e
                    || c >= 0x2066 && c <= 0x2069;
            assertFalse(control, "control character U+" + Integer.toHexString(c) + " at " + i + " in:\n" + text);
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /** The op's status, and its error or diagnosis (or a nested input's) containing {@code text}. */
    static void expect(JsonNode checks, String name, String status, String text) {
        JsonNode c = find(checks, name);
        assertEquals(status, c.get("status").asText(), name + ": " + c.toPrettyString());
        String said = c.path("error").asText("") + " | " + c.path("diagnosis").asText("");
        System.out.println("[" + name + "] " + status + ": " + said);
        assertTrue(said.contains(text), name + ": expected the message to contain \"" + text + "\", was: " + said);
    }

    static JsonNode find(JsonNode checks, String name) {
        List<String> names = new ArrayList<>();
        for (JsonNode x : checks) {
            if (x.get("name").asText().equals(name)) {
                return x;
            }
            names.add(x.get("name").asText());
        }
        throw new AssertionError("no check " + name + " among " + names);
    }
}
