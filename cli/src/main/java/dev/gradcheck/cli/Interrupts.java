package dev.gradcheck.cli;

/**
 * Ctrl-C (SIGINT) for a run that ends with a partial report instead of dying: {@code sun.misc.Signal}
 * from the {@code jdk.unsupported} module, the JDK's supported way for an application to handle a
 * signal. Where the signal cannot be handled (a JVM run with {@code -Xrs}, a shell that ignores it
 * for a background job), nothing is installed and Ctrl-C keeps its usual effect.
 */
public final class Interrupts {
    private Interrupts() {
    }

    /**
     * Ctrl-C does nothing in this JVM: for a worker of a run whose parent decides what an interrupt
     * ends (a terminal sends SIGINT to its whole process group, the worker included).
     */
    public static void ignore() {
        install(() -> { });
    }

    /** Installs {@code onInterrupt} for SIGINT; the previous handler (to restore), or null when none could be installed. */
    @SuppressWarnings("restriction")
    static Object install(Runnable onInterrupt) {
        try {
            return sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> onInterrupt.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | SecurityException | LinkageError e) {
            return null;
        }
    }

    /** Puts back what {@link #install} replaced. */
    @SuppressWarnings("restriction")
    static void restore(Object previous) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), (sun.misc.SignalHandler) previous);
        } catch (IllegalArgumentException | UnsupportedOperationException | SecurityException | LinkageError e) {
            // nothing to restore
        }
    }
}
