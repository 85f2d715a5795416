package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The extension outside Maven: the fixture classes run by the JUnit Platform console launcher of
 * JUnit 5 (1.14) and of JUnit 6, in a JVM of their own, with the launcher's own JUnit and the
 * library's classes with their runtime dependencies on the class path, as Gradle's
 * {@code useJUnitPlatform()} runs them (Gradle drives the same Platform launcher). Maven copies the
 * launchers into {@code target/console-launchers} before the tests.
 */
class ConsoleLauncherTest {
    @ParameterizedTest(name = "junit-platform-console-standalone {0}")
    @ValueSource(strings = {"1.14.4", "6.0.3"})
    void extensionRunsUnderTheConsoleLauncher(String version) throws Exception {
        Path reports = Files.createTempDirectory("console-reports");
        Launched run = launch(version, "--select-class", "dev.gradcheck.junit.fixtures.CorrectOpFixture",
                "--select-class", "dev.gradcheck.junit.fixtures.PlantedBugFixture", "--reports-dir", reports.toString());
        Process p = run.process();
        String out = run.output();
        // the planted bug fails (exit 1), everything else passes: 8 invocations of CorrectOpFixture, 2 of PlantedBugFixture
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("9 tests successful"), out);
        assertTrue(out.contains("1 tests failed"), out);
        assertTrue(out.contains("doubled_swish: seed 3, shapes [4, 8]"), out);
        assertTrue(out.contains("org.opentest4j.AssertionFailedError"), out);
        assertTrue(out.contains("analytic = 2.0 x numeric on every entry: an extra factor of 2"), out);
        assertTrue(out.contains("seed 11, shapes [3, 4], [4]"), out);
        // the XML report Gradle and CI servers read names each invocation
        String xml = Files.readString(reports.resolve("TEST-junit-jupiter.xml"));
        assertTrue(xml.contains("tests=\"10\"") && xml.contains("failures=\"1\""), xml.substring(0, 400));
        assertTrue(xml.contains("doubled_swish: seed 3, shapes [4, 8]"), "invocations named in the XML report");
        try (Stream<Path> files = Files.walk(reports)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** A finished console launcher run: its process and everything it printed. */
    record Launched(Process process, String output) {
    }

    /**
     * Runs the console launcher {@code version} in a JVM of its own on the fixtures
     * ({@code gradcheck.fixtures=run}) with {@code arguments} (the selection) and waits for it.
     */
    static Launched launch(String version, String... arguments) throws IOException, InterruptedException {
        Path launcher = Path.of("target", "console-launchers", "junit-platform-console-standalone-" + version + ".jar");
        assertTrue(Files.isRegularFile(launcher), launcher + " (copied by maven-dependency-plugin)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", launcher.toString(), "execute",
                "--disable-banner", "--disable-ansi-colors", "--details", "tree", "--details-theme", "ascii",
                "--class-path", libraryClassPath(),
                "--config", "gradcheck.fixtures=run"));
        cmd.addAll(List.of(arguments));
        Path log = Files.createTempFile("console", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the console launcher did not end within 120 s: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Launched(p, Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.delete(log);
        }
    }

    /**
     * This module's classes and tests and their runtime dependencies, without JUnit's own jars
     * (the console launcher brings its JUnit, as Gradle brings the one the build asks for).
     */
    static String libraryClassPath() throws IOException {
        String cp = System.getProperty("java.class.path");
        List<String> kept = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("junit-") || name.startsWith("apiguardian") || name.startsWith("opentest4j")
                    || name.startsWith("surefire") || name.contains("maven")) {
                continue;
            }
            kept.add(entry);
        }
        assertTrue(kept.stream().anyMatch(e -> e.endsWith("test-classes")), "the test classes are on " + cp);
        assertTrue(kept.stream().anyMatch(e -> e.contains("jackson-databind")), "the runtime dependencies are on " + cp);
        return kept.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
