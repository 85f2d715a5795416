package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on one JVM that checks user ops ({@link OpWorker}): starts it, talks to it
 * over {@link Wire}, drains its stdout and stderr (keeping their last bytes for the message when it
 * dies), and kills it with every process it started. Every wait has a deadline, and a child still
 * running when this JVM ends is killed, so gradcheck neither hangs on a child nor leaves one behind.
 */
final class ChildJvm implements AutoCloseable {
    /** Bytes of the child's stdout and stderr kept, the last ones. */
    private static final int TAIL = 16 * 1024;
    /** How long a child that was told to end, or whose connection closed, may take to exit. */
    private static final long EXIT_MS = 3_000;
    /** Children alive; the hook kills them if this JVM ends first (Ctrl-C, an exit elsewhere). */
    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();
    /** The reader's last message: the connection closed. */
    private static final ObjectNode END = Wire.object();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(ChildJvm::killTree),
                "gradcheck-child-killer"));
    }

    private final Process process;
    private final Socket socket;
    private final OutputStream out;
    private final Tail stdout;
    private final Tail stderr;
    private final List<Thread> drains;
    private final long maxHeapMb;
    private final BlockingQueue<ObjectNode> messages = new LinkedBlockingQueue<>();
    private volatile ObjectNode exitNote;
    private volatile String protocolError;

    /** The child could not be started, or did not connect in time. */
    static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A reply awaited: the message, or none because the time ran out or the child's connection closed. */
    record Reply(ObjectNode message, boolean timedOut, boolean ended) {
    }

    private ChildJvm(Process process, Socket socket, Tail stdout, Tail stderr, List<Thread> drains, long maxHeapMb)
            throws IOException {
        this.process = process;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.stdout = stdout;
        this.stderr = stderr;
        this.drains = drains;
        this.maxHeapMb = maxHeapMb;
    }

    /**
     * Starts a JVM running {@link OpWorker} on this JVM's class path, with this JVM's {@code -X}
     * and {@code -D} options, {@code -XX:+ExitOnOutOfMemoryError} and {@code jvmOptions}; waits at
     * most {@code startMs} for it to connect and identify itself.
     */
    static ChildJvm start(List<String> jvmOptions, long startMs) throws StartException {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        Process p = null;
        Tail err = new Tail();
        Tail stdout = new Tail();
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            ProcessBuilder pb = new ProcessBuilder(command(jvmOptions));
            pb.environment().put(Wire.ENV, server.getLocalPort() + ":" + token);
            p = pb.start();
            ALIVE.add(p);
            p.getOutputStream().close();
            List<Thread> drains = List.of(drain(p.getInputStream(), stdout, "gradcheck-child-stdout"),
                    drain(p.getErrorStream(), err, "gradcheck-child-stderr"));
            long deadline = System.nanoTime() + startMs * 1_000_000;
            while (true) {
                Socket s = accept(server, p, deadline, startMs, err);
                s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                InputStream in = new BufferedInputStream(s.getInputStream());
                String line = Wire.readLine(in);
                ObjectNode hello = line == null ? null : Wire.parse(line);
                if (hello != null && token.equals(hello.path("hello").asText())) {
                    s.setSoTimeout(0);
                    ChildJvm child = new ChildJvm(p, s, stdout, err, drains, hello.path("max_heap_mb").asLong());
                    child.read(in);
                    return child;
                }
                s.close(); // not our child: keep waiting for it
            }
        } catch (IOException e) {
            if (p != null) {
                killTree(p);
            }
            throw new StartException("cannot start the JVM that checks the ops: " + e.getMessage()
                    + tailOf(err), e);
        } catch (StartException e) {
            killTree(p);
            throw e;
        }
    }

    /** Sends a command; false when the child is gone. */
    boolean send(ObjectNode command) {
        try {
            synchronized (out) {
                out.write(Wire.line(command));
                out.flush();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The child's next message, waiting at most {@code timeoutMs} (0 or less: as long as it takes). */
    Reply await(long timeoutMs) throws InterruptedException {
        ObjectNode m = timeoutMs > 0 ? messages.poll(timeoutMs, TimeUnit.MILLISECONDS) : messages.take();
        if (m == null) {
            return new Reply(null, true, false);
        }
        if (m == END) {
            messages.add(END); // the connection stays closed for every later wait
            return new Reply(null, false, true);
        }
        return new Reply(m, false, false);
    }

    /**
     * How the child ended, once its connection closed: its exit code (it is killed if it has not
     * exited within a few seconds), what its exit witness said, the end of its stderr.
     */
    Death death() throws InterruptedException {
        boolean exited = process.waitFor(EXIT_MS, TimeUnit.MILLISECONDS);
        if (!exited) {
            killTree(process); // e.g. a shutdown hook of the op's that never ends
        }
        close();
        for (Thread d : drains) {
            d.join(EXIT_MS); // its last words (the JVM's out-of-memory line) may still be in the pipe
        }
        return new Death(exited ? process.exitValue() : -1, exitNote, stdout.text() + stderr.text(), protocolError,
                maxHeapMb);
    }

    /** Kills the child and every process it started. */
    void kill() {
        killTree(process);
        close();
    }

    /** Tells the child to end, and makes sure it did (with the processes it started). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            ObjectNode bye = Wire.object();
            bye.put("bye", true);
            send(bye);
            try {
                if (!process.waitFor(EXIT_MS, TimeUnit.MILLISECONDS)) {
                    killTree(process);
                }
            } catch (InterruptedException e) {
                killTree(process);
                Thread.currentThread().interrupt();
            }
        }
        ALIVE.remove(process);
        try {
            socket.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    /**
     * How a child ended: for the message of the op it was checking.
     *
     * @param exitCode the JVM's exit code, or -1 when it did not exit by itself and was killed
     * @param output the last bytes the JVM wrote to its stdout and stderr (HotSpot's own messages among them)
     */
    record Death(int exitCode, ObjectNode exitNote, String output, String protocolError, long maxHeapMb) {
    }

    private void read(InputStream in) {
        Thread reader = new Thread(() -> {
            try {
                for (String line = Wire.readLine(in); line != null; line = Wire.readLine(in)) {
                    ObjectNode m = Wire.parse(line);
                    if (m.has("exit")) {
                        // System.exit was called: no reply will come, the JVM is going
                        exitNote = m.get("exit") instanceof ObjectNode o ? o : Wire.object();
                        return;
                    } else {
                        messages.add(m);
                    }
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    protocolError = e.getMessage();
                }
            } finally {
                messages.add(END);
            }
        }, "gradcheck-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private static Socket accept(ServerSocket server, Process p, long deadline, long startMs, Tail err)
            throws IOException, StartException {
        server.setSoTimeout(100);
        while (System.nanoTime() < deadline) {
            try {
                return server.accept();
            } catch (SocketTimeoutException e) {
                if (!p.isAlive()) {
                    throw new StartException("the JVM that checks the ops ended as it started (exit code "
                            + p.exitValue() + ")" + tailOf(err), null);
                }
            }
        }
        throw new StartException("the JVM that checks the ops did not start within " + startMs + " ms"
                + tailOf(err), null);
    }

    private static String tailOf(Tail err) {
        String t = err.text().strip();
        return t.isEmpty() ? "" : ": " + t.replaceAll("\\s+", " ");
    }

    /** java, the forwarded options, the worker's class path and main class. */
    private static List<String> command(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // heap, collector, compiler and -D settings carry over; debuggers and agents do not
            boolean debug = a.startsWith("-Xdebug") || a.startsWith("-Xrunjdwp") || a.startsWith("-Xrun");
            if ((a.startsWith("-X") || a.startsWith("-D")) && !debug) {
                cmd.add(a);
            }
        }
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        // an op that installs a SecurityManager would deny the checking JVM its own work (stack
        // traces, the connection) and lose the whole report; with this it gets an exception of its own
        cmd.add("-Djava.security.manager=disallow");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OpWorker.class.getName());
        return cmd;
    }

    private static void killTree(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(EXIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ALIVE.remove(p);
    }

    private static Thread drain(InputStream in, Tail into, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    into.add(buf, n);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The last {@link #TAIL} bytes written to a stream. */
    private static final class Tail {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        synchronized void add(byte[] b, int n) {
            bytes.write(b, 0, n);
            if (bytes.size() > 2 * TAIL) {
                byte[] all = bytes.toByteArray();
                bytes.reset();
                bytes.write(all, all.length - TAIL, TAIL);
            }
        }

        synchronized String text() {
            byte[] all = bytes.toByteArray();
            int from = Math.max(0, all.length - TAIL);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }
    }
}
