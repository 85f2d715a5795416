package dev.gradcheck.cli.ops;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * In the checking JVM: {@code System.out} and {@code System.err} write, in the order printed, into
 * the capture of the op being checked, at most {@link #LIMIT} bytes of it (the rest is counted).
 * Between ops, what is printed is dropped. The streams never block on anything of gradcheck's, so
 * an op that holds their lock only stops its own prints.
 */
final class OutputCapture {
    /** Bytes kept per op. */
    static final int LIMIT = 8 * 1024;

    private final OutputStream router;
    private volatile Sink current;

    OutputCapture() {
        router = new OutputStream() {
            @Override
            public void write(int b) {
                Sink s = current;
                if (s != null) {
                    s.write(new byte[] {(byte) b}, 0, 1);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                Sink s = current;
                if (s != null) {
                    s.write(b, off, len);
                }
            }
        };
    }

    /**
     * Makes {@code System.out} and {@code System.err} the capture's again: new streams, as an op
     * may have replaced or closed the earlier ones.
     */
    void install() {
        System.setOut(new PrintStream(router, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(router, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing for one op. */
    Sink start() {
        Sink s = new Sink();
        install();
        current = s;
        return s;
    }

    /** Stops capturing; what {@code s} holds, or null when nothing was printed. */
    String stop(Sink s) {
        if (current == s) {
            current = null;
        }
        return s.text();
    }

    /** What the op being checked printed so far, or null. */
    String peek() {
        Sink s = current;
        return s == null ? null : s.text();
    }

    /** One op's output. */
    static final class Sink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long dropped;

        synchronized void write(byte[] b, int off, int len) {
            int keep = Math.max(0, Math.min(len, LIMIT - bytes.size()));
            bytes.write(b, off, keep);
            dropped += len - keep;
        }

        synchronized String text() {
            if (bytes.size() == 0 && dropped == 0) {
                return null;
            }
            return bytes.toString(StandardCharsets.UTF_8) + (dropped == 0 ? ""
                    : "\n… (" + dropped + " more bytes not kept)");
        }
    }
}
