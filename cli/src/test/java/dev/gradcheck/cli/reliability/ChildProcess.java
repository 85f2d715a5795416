package dev.gradcheck.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The command line as a real process: this JVM's java, the test class path, {@code dev.gradcheck.cli.Main}. */
final class ChildProcess {
    private ChildProcess() {
    }

    /** {@code java [jvmOptions] -cp <test class path> dev.gradcheck.cli.Main args...}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.gradcheck.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A command quoted for {@code sh -c}. */
    static String shell(List<String> cmd) {
        StringBuilder sb = new StringBuilder();
        for (String c : cmd) {
            sb.append(sb.length() == 0 ? "" : " ").append('\'').append(c.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    /** What a process stopped by SIGINT left: its exit code and its stdout. */
    record Interrupted(int exitCode, String stdout) {
    }

    /**
     * Runs {@code cmd} with stdout to {@code out}, reads its stderr until it matches
     * {@code progress} (a regex over all of it; within 60 s), sends SIGINT, and waits (30 s) for
     * it to end. Fails, naming {@code what}, when that progress never shows.
     */
    static Interrupted interruptOnProgress(List<String> cmd, Path out, String progress, String what)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        StringBuilder err = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!err.toString().matches(progress)) {
                int c = r.read();
                assertTrue(c >= 0 && System.nanoTime() < until, what + ": " + err);
                err.append((char) c);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
            r.transferTo(new StringWriter());
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended after the interrupt");
        return new Interrupted(p.exitValue(), Files.readString(out));
    }
}
