package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.cli.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The red team of user code: {@code ops --jar} on ops written as an attacker (or a buggy library)
 * would, from the sources in {@code src/test/resources/hostile-ops}. Every op gets a valid result
 * or a clean {@code error} entry naming what it did, the ops after it are still checked (a correct
 * {@code square} last in each jar passes), the JSON on stdout stays JSON, and each run ends in
 * bounded time. The ops run in JVMs of their own, so this test's JVM is never at risk.
 */
class HostileOpsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A hang guard only: each run takes a few seconds (figures in docs/reliability.md). */
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static Path classes;
    private static int jars;

    /** An op's expected status and a part of its message. */
    private record Expect(String status, String says) {
    }

    @BeforeAll
    static void compileHostileOps() throws IOException {
        classes = TestJars.compileResources(dir, "hostile-ops");
    }

    @Test
    void opsThatEndTheJvmAreEachAnError() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("ExitInForward", new Expect("error", "forward called System.exit(0) at hostile.ExitInForward.forward("));
        ops.put("ExitInName", new Expect("error", "name() called System.exit(3) at hostile.ExitInName.name("));
        ops.put("ExitInInputShapes", new Expect("error", "inputShapes() called System.exit(0) at "));
        ops.put("ExitInConstructor", new Expect("error", "creating hostile.ExitInConstructor called System.exit(5) at "
                + "hostile.ExitInConstructor.<init>("));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of("ExitInName", "hostile.ExitInName", "ExitInConstructor", "hostile.ExitInConstructor"));
    }

    @Test
    void opsThatEndTheJvmFromElsewhereAreEachAnError() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("ExitFromOwnThread", new Expect("error", "a thread the op started called System.exit(0) at "));
        ops.put("HaltInBackward", new Expect("error", "exit code 7 without running its shutdown hooks: Runtime.halt(7)"));
        ops.put("ExitWithEndlessHook", new Expect("error", "forward called System.exit at hostile.ExitWithEndlessHook."
                + "forward(ExitWithEndlessHook.java:16): the JVM checking it did not end within 3 s"));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of());
    }

    @Test
    void opsThatRunOutOfMemoryAreEachAnError() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("OutOfMemory", new Expect("error", "ran out of memory (java.lang.OutOfMemoryError: Java heap space)"));
        ops.put("HugeArray", new Expect("error", "ran out of memory (java.lang.OutOfMemoryError: "));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of(), "--jvm-option", "-Xmx64m");
    }

    @Test
    void opsThatNeverReturnTimeOut() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("EndlessForward", new Expect("error", "op 'endless_forward' timed out after 1000 ms"));
        ops.put("EndlessBackward", new Expect("error", "op 'endless_backward' timed out after 1000 ms"));
        ops.put("EndlessName", new Expect("error", "name() of hostile.EndlessName timed out after 1000 ms"));
        ops.put("EndlessInputShapes", new Expect("error", "op 'endless_input_shapes' timed out after 1000 ms"));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of("EndlessName", "hostile.EndlessName"), "--op-timeout", "1000");
    }

    @Test
    void hostileForwardRulesAreEachAnErrorOrAFailureNeverAHangOrAPass() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("JvpThrows", new Expect("error", "jvp threw UnsupportedOperationException: no tangents here"));
        ops.put("JvpWrongLength", new Expect("error", "jvp returned 2 values for an output of shape [6] (6 values)"));
        ops.put("JvpNan", new Expect("fail", "the forward rule (jvp)"));
        ops.put("JvpWrongSign", new Expect("fail", "the forward rule (jvp) has the wrong sign"));
        ops.put("EndlessJvp", new Expect("error", "op 'endless_jvp' timed out after 1000 ms"));
        ops.put("ExitInJvp", new Expect("error", "jvp called System.exit(0) at hostile.ExitInJvp.jvp("));
        ops.put("ForwardSquare", new Expect("pass", ""));
        JsonNode checks = check(ops, Map.of(), "--op-timeout", "1000");
        JsonNode right = find(checks, "forward_square");
        assertEquals("pass", right.path("jvp").path("status").asText(), right.toPrettyString());
        assertEquals("fail", find(checks, "jvp_wrong_sign").path("jvp").path("status").asText());
    }

    @Test
    void opsThatCannotBeStoppedAreKilledWithWhatTheyStarted() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("EndlessStaticInit", new Expect("error", "creating hostile.EndlessStaticInit timed out after 1000 ms"));
        ops.put("IgnoresStop", new Expect("error", "op 'ignores_stop' timed out after 1000 ms"));
        ops.put("LocksStdoutInForward", new Expect("error", "op 'locks_stdout_in_forward' timed out after 1000 ms"));
        ops.put("SpawnsProcess", new Expect("error", "op 'spawns_process' timed out after 1000 ms"));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of("EndlessStaticInit", "hostile.EndlessStaticInit"), "--op-timeout", "1000");
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").matches(".*\\bsleep 613\\b.*")).map(p -> p.pid() + "")
                .toList();
        assertEquals(List.of(), left, "the process an op started is killed with the JVM that checked it");
    }

    @Test
    void theRunsTimeoutCoversOpsThatNeverReturnWithNoOpTimeout() throws IOException {
        for (String op : List.of("EndlessStaticInit", "IgnoresStop")) {
            Path jar = TestJars.jar(classes, dir.resolve("timeout-" + op + ".jar"), List.of("hostile." + op,
                    "hostile.Square"), List.of("hostile.dep.Missing"));
            Run.Result r = run(List.of("--jar", jar.toString(), "--op-timeout", "0", "--timeout", "2000", "--format",
                    "json"));
            // nothing checked failed: the run is incomplete (exit 5), not failed
            assertEquals(5, r.exitCode(), r.toString());
            JsonNode root = JSON.readTree(r.out());
            assertTrue(root.path("incomplete").asBoolean(), r.out());
            assertTrue(root.path("incomplete_reason").asText().startsWith("--timeout 2000 ms ran out"), r.out());
            JsonNode checks = root.get("checks");
            assertEquals(2, checks.size(), r.out());
            assertEquals("skipped", checks.get(1).get("status").asText(), r.out());
            assertTrue(r.millis() < 20_000, op + ": the run ends soon after its --timeout: " + r.millis() + " ms");
        }
    }

    @Test
    void faultyOpsAndBrokenClassesAreEachAValidResultOrAnError() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("StackOverflow", new Expect("error", "backward threw StackOverflowError"));
        ops.put("StackOverflowInName", new Expect("error", "name() threw StackOverflowError"));
        ops.put("NanGradient", new Expect("fail", "NaN"));
        ops.put("WrongSize", new Expect("error", "8 values"));
        ops.put("ForwardReturnsNull", new Expect("error", "forward"));
        ops.put("Mutates", new Expect("fail", "mutates its input"));
        ops.put("Nondeterministic", new Expect("fail", "nondeterministic"));
        ops.put("HugeShape", new Expect("error", "shape [65536, 65536] of input 0 has more than the limit"));
        ops.put("NegativeShape", new Expect("error", "negative dimension -2 in shape [3, -2]"));
        ops.put("NullShapes", new Expect("error", "inputShapes() of op 'null_shapes'"));
        ops.put("NoInputs", new Expect("error", "the shape set has no inputs"));
        ops.put("HugeMessage", new Expect("error", "backward threw IllegalStateException: xxxx"));
        ops.put("HugeName", new Expect("error", "name() returned a name of 1000000 characters, over the limit of 256"));
        ops.put("ThreadsKeepRunning", new Expect("pass", ""));
        ops.put("InterruptsEveryThread", new Expect("error", "interrupt"));
        ops.put("MissingDependency", new Expect("error", "cannot create the CustomOp hostile.MissingDependency: "
                + "NoClassDefFoundError: hostile/dep/Missing (a class it needs is not on the class path"));
        ops.put("MissingDependencyInBackward", new Expect("error",
                "backward threw NoClassDefFoundError: hostile/dep/Missing"));
        ops.put("NoPublicConstructor", new Expect("error", "hostile.NoPublicConstructor has no public constructor "
                + "without parameters"));
        ops.put("NotAnOp", new Expect("error", "hostile.NotAnOp does not implement dev.gradcheck.CustomOp"));
        ops.put("Gone", new Expect("error", "the services file names hostile.Gone, which is not on the class path"));
        ops.put("SquareBase", new Expect("error", "hostile.SquareBase is not a public concrete class"));
        ops.put("ThrowsInStaticInit", new Expect("error", "a static initialiser threw NumberFormatException: "
                + "For input string: \"not a number\""));
        ops.put("Square", new Expect("pass", ""));
        Map<String, String> byClass = new LinkedHashMap<>();
        for (String c : List.of("StackOverflowInName", "HugeName", "MissingDependency", "NoPublicConstructor", "NotAnOp",
                "Gone", "SquareBase", "ThrowsInStaticInit")) {
            byClass.put(c, "hostile." + c);
        }
        JsonNode checks = check(ops, byClass);
        String huge = find(checks, "huge_message").path("error").asText();
        assertTrue(huge.length() < 3000 && huge.endsWith("more characters)"), "a huge message is cut: " + huge.length());
    }

    @Test
    void anOpThatInstallsASecurityManagerIsAnErrorAndTheRunGoesOn() throws IOException {
        // before: the manager denied the checking JVM its own stack traces and the run ended with
        // exit 4, "internal error: the JVM checking the ops failed", every op's result lost
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("SetsSecurityManager", new Expect("error", "forward threw UnsupportedOperationException"));
        ops.put("WrongGradient", new Expect("fail", "analytic = 2.0 x numeric"));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of());
    }

    @Test
    void anOpTimeoutOfCenturiesIsNoLimit() throws IOException {
        // before: opTimeoutMs + grace overflowed, so every op "timed out after 9223372036854775807 ms"
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("WrongGradient", new Expect("fail", "analytic = 2.0 x numeric"));
        ops.put("Square", new Expect("pass", ""));
        check(ops, Map.of(), "--op-timeout", Long.toString(Long.MAX_VALUE));
    }

    @Test
    void whatOpsPrintIsCapturedBoundedAndEscapedAndJsonStaysJson() throws IOException {
        Map<String, Expect> ops = new LinkedHashMap<>();
        ops.put("PrintsALot", new Expect("pass", ""));
        ops.put("WritesToFileDescriptors", new Expect("pass", ""));
        ops.put("ClosesStdout", new Expect("pass", ""));
        ops.put("PrintsAfterOthersClosed", new Expect("pass", ""));
        ops.put("PrintsJsonGarbage", new Expect("pass", ""));
        ops.put("AnsiName", new Expect("fail", "analytic = 0.5 x numeric"));
        ops.put("AnsiMessage", new Expect("error", "backward threw IllegalStateException: \u001b[31mred\nPASS  forged"));
        ops.put("ChangesLocale", new Expect("fail", "analytic = 0.5 x numeric"));
        ops.put("WrongGradient", new Expect("fail", "analytic = 2.0 x numeric"));
        ops.put("Square", new Expect("pass", ""));
        JsonNode checks = check(ops, Map.of("AnsiName", "ansi\u001b[32m\nPASS  fake_op\r\u001b[0m"));
        String lot = find(checks, "prints_a_lot").path("output").asText();
        assertTrue(lot.startsWith("yyyy") && lot.length() < 9000 && lot.endsWith("more bytes not kept)"),
                "8 KB kept: " + lot.length() + " characters");
        String heard = find(checks, "prints_after_others_closed").path("output").asText();
        assertTrue(heard.startsWith("still heard\n") && heard.replace("still heard\n", "").isEmpty(), heard);
        assertTrue(find(checks, "prints_json_garbage").path("output").asText().contains("PASS  everything"));
    }

    @Test
    void theContextClassLoaderFindsKernelsInAnotherJarOnEveryWorkerThread() throws IOException {
        // the op in one jar; its kernel (a class and a resource) only in another jar, or a folder
        Path ops = TestJars.jar(classes, dir.resolve("kernel-ops.jar"), List.of("hostile.ContextLoaderKernels",
                "hostile.Square"), List.of("hostile.kernels.Kernel", "hostile.dep.Missing"));
        Path deps = Files.createDirectories(dir.resolve("kernel-deps/hostile/kernels")).getParent().getParent();
        Files.copy(classes.resolve("hostile/kernels/Kernel.class"), deps.resolve("hostile/kernels/Kernel.class"));
        Files.writeString(deps.resolve("hostile/kernels/square.kernel"), "x*x");
        Path depsJar = TestJars.jar(deps, dir.resolve("kernel-deps.jar"), List.of(), List.of());

        for (List<String> classPath : List.of(List.of("--jar", ops.toString(), "--jar", depsJar.toString()),
                List.of("--jar", ops.toString(), "--classpath", deps.toString()))) {
            List<String> args = new ArrayList<>(classPath);
            args.addAll(List.of("--threads", "2", "--format", "json"));
            Run.Result r = run(args);
            assertEquals(0, r.exitCode(), classPath + ": " + r);
            assertEquals("pass", find(JSON.readTree(r.out()).get("checks"), "context_loader_kernels").get("status")
                    .asText(), r.out());
        }
        Run.Result without = run(List.of("--jar", ops.toString(), "--threads", "2", "--format", "json"));
        assertEquals(1, without.exitCode(), without.toString());
        assertTrue(find(JSON.readTree(without.out()).get("checks"), "context_loader_kernels").path("error").asText()
                .contains("no kernel for thread"), without.out());
    }

    /**
     * Jars the ops (class simple names, in order; {@code hostile.dep.Missing} left out), runs
     * {@code ops --jar J --format json --threads 1 args}, and checks each op's status and message:
     * found by its name, or by {@code byClass}'s name for it (an op with no usable name()).
     */
    private static JsonNode check(Map<String, Expect> ops, Map<String, String> byClass, String... args) throws IOException {
        List<String> services = new ArrayList<>();
        ops.keySet().forEach(c -> services.add("hostile." + c));
        Path jar = TestJars.jar(classes, dir.resolve("hostile-" + (jars++) + ".jar"), services,
                List.of("hostile.dep.Missing"));
        List<String> all = new ArrayList<>(List.of("--jar", jar.toString(), "--format", "json", "--threads", "1"));
        all.addAll(List.of(args));
        Run.Result r = run(all);
        assertEquals(1, r.exitCode(), r.toString());
        assertFalse(r.hasStackTrace() && r.err().contains("\tat "), r.toString());
        JsonNode checks = JSON.readTree(r.out()).get("checks");
        assertEquals(ops.size(), checks.size(), "one entry per op: " + r.out());
        for (Map.Entry<String, Expect> e : ops.entrySet()) {
            String name = byClass.getOrDefault(e.getKey(), snake(e.getKey()));
            UserCodeDefectsTest.expect(checks, name, e.getValue().status(), e.getValue().says());
        }
        System.out.println("[" + String.join(", ", ops.keySet()) + "] " + r.millis() + " ms");
        return checks;
    }

    private static Run.Result run(List<String> args) {
        List<String> all = new ArrayList<>(List.of("ops"));
        all.addAll(args);
        return assertTimeoutPreemptively(LIMIT, () -> Run.cli(all.toArray(String[]::new)));
    }

    /** {@code ExitInForward} → {@code exit_in_forward}. */
    private static String snake(String cls) {
        return cls.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2")
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode find(JsonNode checks, String name) {
        return UserCodeDefectsTest.find(checks, name);
    }
}
