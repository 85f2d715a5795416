package dev.gradcheck.cli.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
