package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradcheck bench}: JSON lines on stdout, usage errors as exit 2. Asserts shape, never speed. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void matmulCasePrintsOneJsonObjectPerLine() throws Exception {
        Cli.Result r = Cli.run("bench", "--cases", "matmul", "--matmul-threads", "1", "--samples", "1");
        assertEquals(0, r.exitCode(), r.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertEquals("env", lines.get(0).get("bench").asText(), r.out());
        List<Integer> sizes = new ArrayList<>();
        for (JsonNode l : lines.subList(1, lines.size())) {
            assertEquals("matmul", l.get("bench").asText(), l.toString());
            assertEquals(1, l.get("threads").asInt(), l.toString());
            assertTrue(l.get("gflops").asDouble() > 0, l.toString());
            sizes.add(l.get("n").asInt());
        }
        assertEquals(List.of(128, 256, 512), sizes, r.out());
    }

    @Test
    void textFormatPrintsATable() {
        Cli.Result r = Cli.run("bench", "--cases", "matmul", "--matmul-threads", "1", "--samples", "1", "--format",
                "text");
        assertEquals(0, r.exitCode(), r.toString());
        java.util.List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("java 17") || lines.get(0).startsWith("java "), r.out());
        assertTrue(lines.get(1).matches("case +size +threads +median ms +cpu ms +GFLOP/s +other"), r.out());
        assertEquals(3, lines.stream().filter(l -> l.matches("matmul +n = (128|256|512) +1 +[0-9.]+ +[0-9.]+ +[0-9.]+.*"))
                .count(), r.out());
        assertTrue(r.out().indexOf('{') < 0, "no JSON: " + r.out());
    }

    /** Every column as wide as its widest cell: anomaly_fwd_bwd and an MLP's size stay inside theirs. */
    @Test
    void textTableColumnsLineUp() {
        Cli.Result r = Cli.run("bench", "--cases", "fwd_bwd,anomaly", "--mlps", "16-32-4@8", "--check-threads", "1",
                "--samples", "1", "--format", "text");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        String header = lines.get(1);
        List<String> rows = lines.subList(2, lines.size());
        assertEquals(2, rows.size(), r.out());
        assertTrue(rows.get(1).startsWith("anomaly_fwd_bwd  16-32-4@8 (676)"), r.out());
        int size = header.indexOf("size");
        int threadsEnd = header.indexOf("threads") + "threads".length();
        int medianEnd = header.indexOf("median ms") + "median ms".length();
        for (String row : rows) {
            assertEquals(' ', row.charAt(size - 1), "the case column ends before size: " + r.out());
            assertEquals("16-32-4@8 (676)", row.substring(size).split(" {2,}")[0], r.out());
            assertEquals("1", row.substring(threadsEnd - 1, threadsEnd), "threads right-aligned: " + r.out());
            assertTrue(Character.isDigit(row.charAt(medianEnd - 1)) && row.charAt(medianEnd) == ' ',
                    "median right-aligned: " + r.out());
        }
    }

    @Test
    void unknownCaseIsAUsageErrorNamingTheKnownOnes() {
        Cli.Result r = Cli.run("bench", "--cases", "matmull");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("matmull") && r.err().contains("fwd_bwd"), r.err());
    }

    /** 12.6M parameters: about 100 MB a copy, more than a 64 MB heap holds once. */
    private static final String TOO_LARGE = "2048-2048-2048-2048-10@64";

    @Test
    void anMlpOverTheModelFileLimitsIsAUsageErrorNamingIt() {
        // a [4000, 5000] weight: 20M elements, over the 16M per tensor of a model file
        Cli.Result r = Cli.run("bench", "--cases", "check_fast", "--mlps", "5000-4000-10@8", "--samples", "1");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertEquals("", r.out(), "refused before any work");
        assertTrue(r.err().contains("--mlps 5000-4000-10@8: '0.weight' of shape [4000, 5000] has 20000000 elements"),
                r.err());
        assertFalse(r.err().contains(".json"), "no made-up file named: " + r.err());
    }

    @Test
    void anMlpTooLargeForTheHeapIsRefusedBeforeAnyWork() {
        picocli.CommandLine cli = Main.commandLine(new Main(Terminal.none()));
        BenchCommand bench = cli.getSubcommands().get("bench").getCommand();
        bench.maxHeap = () -> 256L << 20;
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = cli.setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true))
                .execute("bench", "--mlps", "64-128-128-10@32," + TOO_LARGE, "--check-threads", "1", "--samples", "1");
        assertEquals(ExitCodes.INVALID_FILE, code, err.toString());
        assertEquals("", out.toString(), "nothing measured, not even the env line");
        assertEquals("gradcheck bench: error: MLP " + TOO_LARGE + " (12,609,546 params, 918,209 activations over the "
                + "batch) needs about 1,083 MB of heap for check_fast, more than this JVM's heap of at most 256 MB: give "
                + "it more (GRADCHECK_JAVA_OPTS=-Xmx1536m bin/gradcheck bench ...) or bench a smaller MLP (--mlps)\n",
                err.toString());
    }

    @Test
    void aSmallHeapRefusesInARealJvm(@TempDir Path dir) throws Exception {
        Forked r = fork(dir, "dev.gradcheck.cli.Main", "bench", "--mlps", TOO_LARGE, "--cases", "fwd_bwd", "--samples",
                "1");
        assertEquals(ExitCodes.INVALID_FILE, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(r.err().startsWith("gradcheck bench: error: MLP " + TOO_LARGE + " (12,609,546 params")
                && r.err().contains("for fwd_bwd, more than this JVM's heap of at most")
                && r.err().contains("GRADCHECK_JAVA_OPTS=-Xmx512m"), r.toString());
    }

    @Test
    void runningOutOfMemoryAllTheSameGivesBenchsRemedy(@TempDir Path dir) throws Exception {
        // the estimate is told the heap is huge: the run starts and truly exhausts the 64 MB it has
        Forked r = fork(dir, BenchWithHeapFigure.class.getName(), String.valueOf(Long.MAX_VALUE), "--mlps", TOO_LARGE,
                "--cases", "fwd_bwd", "--samples", "1");
        assertEquals(ExitCodes.INVALID_FILE, r.exit(), r.toString());
        assertTrue(r.out().startsWith("{\"bench\":\"env\""), "the run had started: " + r);
        assertTrue(r.err().contains("gradcheck bench: error: ran out of memory")
                && r.err().contains("GRADCHECK_JAVA_OPTS=-Xmx4g") && r.err().contains("--mlps"), r.toString());
        assertFalse(r.err().contains("--max-model-elements"), "bench has no such option: " + r);
    }

    private record Forked(int exit, String out, String err) {
    }

    /** {@code java -Xmx64m -cp <test class path> main args...}, at most a minute. */
    private static Forked fork(Path dir, String main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bench did not end within a minute: " + cmd);
        }
        return new Forked(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
