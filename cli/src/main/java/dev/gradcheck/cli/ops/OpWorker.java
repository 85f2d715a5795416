package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckMonitor;
import dev.gradcheck.cli.Interrupts;
import dev.gradcheck.cli.OpsCommand;
import dev.gradcheck.report.JsonReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;

/**
 * The main class of the JVM {@code gradcheck ops --jar} checks user ops in (never started by
 * hand): connects to the parent ({@link Wire}), rebuilds the settings from the same command line,
 * then creates and checks the ops the parent asks for, one message at a time. It ends when the
 * parent says bye or goes away, or when user code ends it.
 */
public final class OpWorker {
    private OpWorker() {
    }

    public static void main(String[] args) {
        String where = System.getenv(Wire.ENV);
        if (where == null || where.indexOf(':') < 0) {
            System.err.println("OpWorker is the JVM of 'gradcheck ops --jar'; it is not run by hand");
            System.exit(2);
        }
        ChildChannel channel;
        try {
            channel = ChildChannel.connect(Integer.parseInt(where.substring(0, where.indexOf(':'))));
        } catch (IOException | NumberFormatException e) {
            Runtime.getRuntime().halt(3);
            return;
        }
        AtomicBoolean orderly = new AtomicBoolean();
        // Ctrl-C in the terminal reaches this JVM too: the parent stops the run and reports the op
        // as not checked; ending here would read as the op calling System.exit(130)
        Interrupts.ignore();
        endWithParent();
        try {
            ObjectNode hello = Wire.object();
            hello.put("hello", where.substring(where.indexOf(':') + 1));
            hello.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            channel.send(hello);
            ObjectNode request = channel.receive();
            if (request == null) {
                Runtime.getRuntime().halt(0);
            }
            JarOpsSettings settings = settings(strings(request.get("args")));
            OutputCapture capture = new OutputCapture();
            capture.install();
            ExitWitness.install(channel, capture::peek, orderly::get);
            ClassLoader loader = settings.classPath().loader(OpWorker.class.getClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            Commands commands = new Commands(channel);
            serve(channel, commands, new WorkerOps(loader, strings(request.get("providers")),
                    settings.options().withMonitor(commands), settings.opTimeoutMs(), capture), orderly);
        } catch (Throwable t) {
            orderly.set(true);
            ObjectNode fatal = Wire.object();
            fatal.put("fatal", t.toString());
            channel.trySend(fatal);
            Runtime.getRuntime().halt(4);
        }
    }

    private static void serve(ChildChannel channel, Commands commands, WorkerOps ops, AtomicBoolean orderly)
            throws IOException {
        while (true) {
            ObjectNode command = commands.next();
            if (command == null || command.has("bye")) {
                orderly.set(true);
                channel.close();
                Runtime.getRuntime().halt(0);
            }
            ObjectNode reply = Wire.object();
            if (command.has("name")) {
                int k = command.get("name").asInt();
                WorkerOps.Created c = ops.create(k);
                reply.put("named", k);
                reply.put("name", c.name());
                if (c.error() != null) {
                    reply.put("error", c.error());
                }
                reply.put("retire", c.spoiled());
            } else if (command.has("check")) {
                int k = command.get("check").asInt();
                WorkerOps.Checked c = ops.check(k, command.path("reproduce").asText(null));
                reply.put("result", k);
                reply.set("check", JsonReport.check(c.result()));
                reply.put("retire", c.retire());
            } else {
                throw new IOException("unknown command " + command);
            }
            channel.send(reply);
        }
    }

    /**
     * The parent's commands, read on a thread of their own so that {@code {"stop": true}}
     * ({@code --timeout} or Ctrl-C in the parent) reaches the check while it runs: the checker,
     * given this as its monitor, stops at its next entry or draw and the partial result is the
     * reply, as in the parent's own checks.
     */
    private static final class Commands implements CheckMonitor {
        private static final ObjectNode GONE = Wire.object();
        private final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();
        private volatile boolean stop;
        private volatile IOException broken;

        Commands(ChildChannel channel) {
            Thread reader = new Thread(() -> {
                try {
                    for (ObjectNode m = channel.receive(); m != null; m = channel.receive()) {
                        if (m.has("stop")) {
                            stop = true;
                        } else {
                            queue.add(m);
                        }
                    }
                } catch (IOException e) {
                    broken = e;
                } finally {
                    queue.add(GONE);
                }
            }, "gradcheck-worker-commands");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next command; null when the parent closed the connection. */
        ObjectNode next() throws IOException {
            ObjectNode m;
            while (true) {
                try {
                    m = queue.take();
                    break;
                } catch (InterruptedException e) {
                    // user code may interrupt any thread: waiting for the parent goes on
                }
            }
            if (m == GONE) {
                queue.add(GONE);
                if (broken != null) {
                    throw broken;
                }
                return null;
            }
            return m;
        }

        @Override
        public boolean stopRequested() {
            return stop;
        }
    }

    /**
     * The settings of {@code gradcheck ops <args>}, parsed as the parent parsed them (by the
     * {@code ops} command alone: building every command would cost start-up time).
     */
    private static JarOpsSettings settings(List<String> args) {
        OpsCommand ops = new OpsCommand();
        new CommandLine(ops).setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs(args.subList(1, args.size()).toArray(String[]::new));
        return ops.jarOpsSettings();
    }

    /** Ends this JVM when the parent's ends (it would otherwise wait for a command forever). */
    private static void endWithParent() {
        ProcessHandle.current().parent().ifPresentOrElse(
                p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(5)),
                () -> Runtime.getRuntime().halt(5));
    }

    private static List<String> strings(JsonNode array) throws IOException {
        if (array == null || !array.isArray()) {
            throw new IOException("a list of strings was expected");
        }
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
