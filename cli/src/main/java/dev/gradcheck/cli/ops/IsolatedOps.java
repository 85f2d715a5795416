package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.report.JsonReportReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Checks a user's ops in a JVM of their own ({@link ChildJvm}), so that nothing an op does can end
 * or silence the run: {@code System.exit}, {@code Runtime.halt}, a static initialiser that exits,
 * an out-of-memory error, an endless loop that ignores interrupts, a held {@code System.out} lock,
 * printing to stdout. One JVM checks op after op while it stays clean; when an op ends it, hangs
 * it, or leaves it unclean (a thread still running, an interrupt), that op gets an {@code error}
 * result saying what happened, and the next op is checked in a fresh JVM. Each op's result depends
 * only on the op and the settings, never on which ops shared its JVM.
 */
public final class IsolatedOps implements AutoCloseable {
    /** How long a JVM may take to start and connect (the JDK's start-up, not user code). */
    private static final long START_MS = 60_000;
    /** How long after {@code --op-timeout} the checking JVM may take to report a timeout itself. */
    private static final long GRACE_MS = 3_000;
    /** How often a wait for the checking JVM asks whether the run was stopped. */
    private static final long POLL_MS = 20;

    private final List<String> args;
    private final List<String> providers;
    private final List<String> jvmOptions;
    private final long opTimeoutMs;
    private final long seed;
    private final BooleanSupplier stopRequested;
    private ChildJvm child;

    /**
     * Provider k of the services files, by its class and its {@code name()}; or, when it could not
     * be created or named, by its class with the {@code error} result saying why.
     */
    public record Named(int index, String className, String name, CheckResult failure) {
    }

    /** A JVM to check the ops in could not be started. */
    public static final class StartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param args the {@code ops} command line (without {@code gradcheck}), parsed again by the child
     * @param providers the op classes of the services files
     * @param jvmOptions {@code --jvm-option}s for the checking JVMs
     * @param opTimeoutMs {@code --op-timeout} (0 = none)
     * @param seed for the results made here
     * @param stopRequested true once the run is stopped ({@code --timeout}, Ctrl-C): the check
     *     running in the child is told to stop, and its reply holds the draws it did
     */
    public IsolatedOps(List<String> args, List<String> providers, List<String> jvmOptions, long opTimeoutMs,
            long seed, BooleanSupplier stopRequested) {
        this.args = List.copyOf(args);
        this.providers = List.copyOf(providers);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.opTimeoutMs = opTimeoutMs;
        this.seed = seed;
        this.stopRequested = stopRequested;
    }

    /** Every provider, created and named in the checking JVM, in services-file order. */
    public List<Named> nameAll() throws InterruptedException {
        List<Named> named = new ArrayList<>();
        for (int k = 0; k < providers.size(); k++) {
            String cls = providers.get(k);
            ObjectNode command = Wire.object();
            command.put("name", k);
            Exchange x = exchange(command, "creating " + cls + " or calling its name()");
            if (x.reply() != null && x.reply().path("retire").asBoolean(false)) {
                retire();
            }
            if (x.reply() == null) {
                named.add(new Named(k, cls, cls, error(cls, x.problem(), x.output())));
            } else if (x.reply().hasNonNull("error")) {
                named.add(new Named(k, cls, cls, error(cls, x.reply().get("error").asText(), null)));
            } else {
                named.add(new Named(k, cls, x.reply().path("name").asText(cls), null));
            }
        }
        return named;
    }

    /** The check of op {@code op} (named, not failed), with its reproduce line. */
    public CheckResult check(Named op, String reproduce) throws InterruptedException {
        ObjectNode command = Wire.object();
        command.put("check", op.index());
        command.put("reproduce", reproduce);
        Exchange x = exchange(command, "op '" + op.name() + "'");
        if (x.reply() == null) {
            return error(op.name(), x.problem(), x.output());
        }
        if (x.reply().path("retire").asBoolean(false)) {
            retire();
        }
        try {
            return JsonReportReader.check(x.reply().get("check"));
        } catch (RuntimeException e) {
            retire();
            return error(op.name(), "the JVM checking it sent a result gradcheck cannot read: " + e.getMessage(),
                    null);
        }
    }

    /** Ends the checking JVM, if one runs. */
    @Override
    public void close() {
        retire();
    }

    /** A reply, or no reply with what happened instead (and what the op printed, when known). */
    private record Exchange(ObjectNode reply, String problem, String output) {
    }

    /**
     * Sends {@code command} to the checking JVM (started first when none runs) and waits for its
     * reply, at most {@code --op-timeout} and a grace; a JVM that does not answer in time is killed,
     * one that ended is replaced on the next command.
     *
     * @param what what the command makes the child do, for the timeout message
     */
    private Exchange exchange(ObjectNode command, String what) throws InterruptedException {
        ChildJvm c = child();
        try {
            ChildJvm.Reply r = c.send(command) ? await(c, opTimeoutMs > 0
                    ? Math.min(opTimeoutMs, Long.MAX_VALUE - GRACE_MS) + GRACE_MS : 0)
                    : new ChildJvm.Reply(null, false, true);
            if (r.timedOut()) {
                retire(c, true);
                return new Exchange(null, what + " timed out after " + opTimeoutMs
                        + " ms (--op-timeout; an endless loop?)", null);
            }
            if (r.ended()) {
                child = null;
                ChildJvm.Death d = c.death();
                return new Exchange(null, Deaths.describe(d), d.exitNote() == null ? null
                        : d.exitNote().path("output").asText(null));
            }
            if (r.message().has("fatal")) {
                retire(c, true);
                throw new IllegalStateException("the JVM checking the ops failed: " + r.message().get("fatal").asText());
            }
            return new Exchange(r.message(), null, null);
        } catch (InterruptedException e) {
            retire(c, true);
            throw e;
        }
    }

    /**
     * The child's reply within {@code limitMs} (0: no limit). Once the run is stopped the child is
     * told so, once, and its check returns what it did at its next entry or draw.
     */
    private ChildJvm.Reply await(ChildJvm c, long limitMs) throws InterruptedException {
        // a limit of centuries (--op-timeout Long.MAX_VALUE) is none: its nanoseconds would overflow
        long deadline = limitMs > 0 && limitMs < Long.MAX_VALUE / 2_000_000
                ? System.nanoTime() + limitMs * 1_000_000 : Long.MAX_VALUE;
        boolean told = false;
        while (true) {
            if (!told && stopRequested.getAsBoolean()) {
                ObjectNode stop = Wire.object();
                stop.put("stop", true);
                c.send(stop);
                told = true;
            }
            long left = deadline == Long.MAX_VALUE ? POLL_MS : (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new ChildJvm.Reply(null, true, false);
            }
            ChildJvm.Reply r = c.await(Math.min(left, POLL_MS));
            if (!r.timedOut()) {
                return r;
            }
        }
    }

    private ChildJvm child() {
        if (child == null) {
            try {
                child = ChildJvm.start(jvmOptions, START_MS);
            } catch (ChildJvm.StartException e) {
                throw new StartFailure(e.getMessage(), e);
            }
            ObjectNode request = Wire.object();
            ArrayNode a = request.putArray("args");
            args.forEach(a::add);
            ArrayNode p = request.putArray("providers");
            providers.forEach(p::add);
            child.send(request);
        }
        return child;
    }

    private void retire() {
        if (child != null) {
            retire(child, false);
        }
    }

    private void retire(ChildJvm c, boolean kill) {
        if (c == child) {
            child = null;
        }
        if (kill) {
            c.kill();
        } else {
            c.close();
        }
    }

    private CheckResult error(String name, String why, String output) {
        return CheckResult.builder(name).status(Status.ERROR).seed(seed).error(why, null).output(output).build();
    }
}
