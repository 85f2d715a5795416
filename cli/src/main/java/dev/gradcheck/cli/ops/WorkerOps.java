package dev.gradcheck.cli.ops;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import dev.gradcheck.TimeLimits;
import dev.gradcheck.internal.UserCodeException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * In the checking JVM: creates the user's ops (provider k of the services files) and checks them,
 * one at a time, each under {@code --op-timeout}, with what it prints captured. Anything user code
 * throws, an interrupt it sends, a deadline it misses, becomes that op's {@code error} result.
 * After an op that left a thread running, was interrupted or timed out, the JVM is no longer
 * clean: {@link Checked#retire()} asks the parent to check the next op in a fresh one, so no op's
 * result depends on which ops ran before it in the same JVM.
 */
final class WorkerOps {
    /** How long gradcheck's own threads of a finished check may take to end. */
    private static final long THREADS_END_MS = 500;
    /** The longest name an op may have (as for a model file's names). */
    private static final int MAX_NAME = 256;
    /** Messages are cut to this many characters (an op may throw with megabytes of text). */
    private static final int MAX_MESSAGE = 2000;
    /** The default locale the JVM started with, given back to each op (an op may change it). */
    private static final Locale LOCALE = Locale.getDefault();

    private final ClassLoader loader;
    private final List<String> providers;
    private final CheckOptions options;
    private final long opTimeoutMs;
    private final OutputCapture capture;
    private final Map<Integer, Created> created = new HashMap<>();

    /**
     * A provider made into an op, or why it could not be; {@code spoiled} when creating it timed out
     * or interrupted gradcheck's thread (this JVM should check no further op).
     */
    record Created(CustomOp op, String name, String error, boolean spoiled) {
        Created(CustomOp op, String name, String error) {
            this(op, name, error, false);
        }
    }

    /** A check's result, and whether this JVM should check no further op. */
    record Checked(CheckResult result, boolean retire) {
    }

    WorkerOps(ClassLoader loader, List<String> providers, CheckOptions options, long opTimeoutMs,
            OutputCapture capture) {
        this.loader = loader;
        this.providers = List.copyOf(providers);
        this.options = options;
        this.opTimeoutMs = opTimeoutMs;
        this.capture = capture;
    }

    /** Provider k created (once per JVM) and named; its failure in words otherwise. */
    Created create(int k) {
        Created c = created.get(k);
        if (c == null) {
            c = createNow(k);
            if (c.error() != null) {
                c = new Created(null, c.name(), cut(c.error()), c.spoiled());
            }
            created.put(k, c);
        }
        return c;
    }

    private Created createNow(int k) {
        String cls = providers.get(k);
        String[] stage = {"creating " + cls};
        OutputCapture.Sink sink = capture.start();
        try {
            Attempt<Created> o = limited("gradcheck-create", () -> {
                CustomOp op = UserCalls.within(stage[0], () -> instantiate(cls));
                CustomOp wrapped = UserCalls.wrap(op, loader);
                stage[0] = "name()";
                String name = wrapped.name();
                if (name != null && name.length() > MAX_NAME) {
                    return new Created(null, cls, "name() returned a name of " + name.length()
                            + " characters, over the limit of " + MAX_NAME + " (starts \""
                            + name.substring(0, 20) + "…\")");
                }
                return new Created(wrapped, name != null ? name : cls, null);
            });
            if (o.timedOut()) {
                return new Created(null, cls, stage[0].equals("name()")
                        ? "name() of " + cls + " timed out after " + opTimeoutMs + " ms (an endless loop?)"
                        : "creating " + cls + " timed out after " + opTimeoutMs
                                + " ms (a constructor or static initialiser that never returns?)", true);
            }
            if (o.interrupted() | Thread.interrupted()) {
                return new Created(null, cls, stage[0] + " of " + cls + " interrupted gradcheck's thread", true);
            }
            if (o.thrown() != null) {
                return new Created(null, cls, creationProblem(cls, stage[0], o.thrown()));
            }
            return o.value();
        } finally {
            capture.stop(sink);
        }
    }

    private CustomOp instantiate(String cls) throws ReflectiveOperationException {
        Class<?> c;
        try {
            c = Class.forName(cls, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("the services file names " + cls + ", which is not on the class path");
        }
        if (!CustomOp.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(cls + " does not implement " + CustomOp.class.getName());
        }
        if (!Modifier.isPublic(c.getModifiers()) || Modifier.isAbstract(c.getModifiers())) {
            throw new IllegalArgumentException(cls + " is not a public concrete class (ServiceLoader creates only those)");
        }
        Constructor<?> ctor;
        try {
            ctor = c.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(cls + " has no public constructor without parameters "
                    + "(ServiceLoader needs one)");
        }
        try {
            return (CustomOp) ctor.newInstance();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NoClassDefFoundError missing) {
                throw missing;
            }
            throw new UserCodeException(UserCodeException.describe("its constructor", e.getCause()),
                    e.getCause());
        }
    }

    /** Why provider {@code cls} could not be made an op (in {@code stage}), naming a missing class. */
    private static String creationProblem(String cls, String stage, Throwable t) {
        if (stage.equals("name()")) {
            return UserCodeException.describe(stage, t);
        }
        if (t instanceof IllegalArgumentException || t instanceof UserCodeException) {
            return "cannot create the CustomOp " + cls + ": " + t.getMessage();
        }
        if (t instanceof ExceptionInInitializerError e && e.getCause() != null) {
            return "cannot create the CustomOp " + cls + ": a static initialiser threw " + describe(e.getCause());
        }
        if (t instanceof NoClassDefFoundError) {
            return "cannot create the CustomOp " + cls + ": " + describe(t) + " (a class it needs is not on the "
                    + "class path: add the jar or folder that has it with --jar or --classpath)";
        }
        return "cannot create the CustomOp " + cls + ": " + describe(t);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Checks op k, with the reproduce line given, into its result. */
    Checked check(int k, String reproduce) {
        Created c = create(k);
        if (c.error() != null) {
            return new Checked(error(c.name(), c.error()), c.spoiled());
        }
        UserCalls calls = UserCalls.of(c.op());
        calls.reset();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Locale.setDefault(LOCALE);
        OutputCapture.Sink sink = capture.start();
        CheckOptions o = options.withReproduce(reproduce);
        Attempt<CheckResult> outcome = limited("gradcheck-op", () -> checkNow(c, o));
        boolean interrupted = Thread.interrupted() || outcome.interrupted();
        String output = capture.stop(sink);
        CheckResult r;
        boolean retire = interrupted || outcome.timedOut();
        if (outcome.timedOut()) {
            r = error(c.name(), "op '" + c.name() + "' timed out after " + opTimeoutMs
                    + " ms (--op-timeout; an endless loop?)");
        } else if (interrupted) {
            r = error(c.name(), "op '" + c.name() + "' interrupted gradcheck's thread while it was checked "
                    + "(Thread.interrupt on a thread it did not start)");
        } else if (outcome.thrown() != null) {
            Throwable t = outcome.thrown();
            String stage = calls.thrownIn();
            r = error(c.name(), stage != null ? UserCodeException.describe(stage, t) : "the check threw " + t);
        } else if (calls.interruptedIn() != null) {
            r = error(c.name(), calls.interruptedIn() + " set the interrupt flag of the thread calling it "
                    + "(Thread.interrupt); gradcheck cannot trust a check of an op that does");
        } else {
            r = outcome.value();
        }
        retire |= leftThreadsRunning(before);
        return new Checked(bounded(r).toBuilder().output(output).build(), retire);
    }

    /** {@code r} with every error message cut to {@link #MAX_MESSAGE} characters. */
    private static CheckResult bounded(CheckResult r) {
        List<CheckResult> inputs = new ArrayList<>();
        r.inputs().forEach(in -> inputs.add(bounded(in)));
        return r.toBuilder().error(cut(r.error()), r.cause()).inputs(inputs)
                .jvp(r.jvp() == null ? null : bounded(r.jvp())).build();
    }

    private static String cut(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE) + "… (" + (message.length() - MAX_MESSAGE) + " more characters)";
    }

    private CheckResult checkNow(Created c, CheckOptions o) {
        try {
            // read once here so an Error from it is reported as such; CustomOpCheck reads it again
            c.op().inputShapes();
        } catch (RuntimeException e) {
            // CustomOpCheck reports it
        }
        return CustomOpCheck.check(c.op(), o);
    }

    private CheckResult error(String name, String why) {
        return CheckResult.builder(name).status(Status.ERROR).seed(options.seed()).error(why, null).build();
    }

    /** What user code run under {@code --op-timeout} did: returned, threw, timed out or was interrupted. */
    private record Attempt<T>(T value, Throwable thrown, boolean timedOut, boolean interrupted) {
    }

    /**
     * {@code body} on a thread of its own under {@code --op-timeout} (when the time runs out, the
     * threads inside user code are interrupted, then stopped); on this thread when there is no limit.
     */
    private <T> Attempt<T> limited(String thread, Callable<T> body) {
        if (opTimeoutMs > 0) {
            TimeLimits.Outcome<T> o = TimeLimits.attempt(thread, Duration.ofMillis(opTimeoutMs), body,
                    UserCalls::threadsInUserCode);
            return new Attempt<>(o.value(), o.thrown(), o.timedOut(), o.interrupted());
        }
        try {
            return new Attempt<>(body.call(), null, false, false);
        } catch (Throwable t) {
            return new Attempt<>(null, t, false, false);
        }
    }

    /** True when a thread that was not running before the check still is, after a short wait. */
    private static boolean leftThreadsRunning(Set<Thread> before) {
        long deadline = System.nanoTime() + THREADS_END_MS * 1_000_000;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (before.contains(t) || t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
