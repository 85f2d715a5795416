package dev.gradcheck.cli.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command line as the real process does ({@code java -cp … dev.gradcheck.cli.Main}):
 * what user code does to the JVM (exit, halt, the {@code System.out} lock, printing to stdout)
 * is seen as a user sees it. A run that outlives its limit is killed with every process it
 * started, and reported as timed out.
 */
final class ProcessRun {
    /** Output kept per stream; more is counted, not kept. */
    private static final int KEEP = 1 << 20;

    /** What a run left behind; {@code exitCode} is -1 when it was killed at its limit. */
    record Result(int exitCode, String out, String err, long millis, boolean timedOut) {
        @Override
        public String toString() {
            return (timedOut ? "killed after " : "exit " + exitCode + " after ") + millis + " ms\n--- stdout ---\n"
                    + abbreviate(out) + "\n--- stderr ---\n" + abbreviate(err);
        }

        Run.Result asRun() {
            return new Run.Result(exitCode, out, err, millis);
        }
    }

    private ProcessRun() {
    }

    /** Runs {@code gradcheck args} in a JVM of its own, for at most {@code limit}. */
    static Result cli(Duration limit, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.gradcheck.cli.Main"));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = drain(p.getInputStream(), out);
            Thread e = drain(p.getErrorStream(), err);
            boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            o.join(5000);
            e.join(5000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new Result(done ? p.exitValue() : -1, text(out), text(err), ms, !done);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    synchronized (into) {
                        into.write(buf, 0, Math.max(0, Math.min(n, KEEP - into.size())));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "process-run-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String abbreviate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "… (" + s.length() + " chars)";
    }
}
