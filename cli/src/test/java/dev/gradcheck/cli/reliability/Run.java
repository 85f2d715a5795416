package dev.gradcheck.cli.reliability;

import dev.gradcheck.cli.Main;
import dev.gradcheck.cli.Terminal;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the command line in process, as the real process does, with captured stdout and stderr. */
final class Run {
    /** What a run left behind. */
    record Result(int exitCode, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + millis + " ms\n--- stdout ---\n" + abbreviate(out)
                    + "\n--- stderr ---\n" + abbreviate(err);
        }

        /** True when stderr or stdout holds a Java stack trace or an exception's class name. */
        boolean hasStackTrace() {
            String all = out + err;
            return all.contains("\tat ") || all.matches("(?s).*\\bat [a-z]+\\.[a-zA-Z.$]+\\(.*")
                    || all.matches("(?s).*\\b(java|com|dev)\\.[a-zA-Z.]+(Exception|Error)\\b.*");
        }
    }

    private Run() {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long t0 = System.nanoTime();
        int code = Main.commandLine(new Main(Terminal.none()))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static String abbreviate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "… (" + s.length() + " chars)";
    }
}
