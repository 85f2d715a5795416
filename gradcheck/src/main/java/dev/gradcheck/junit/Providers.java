package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.TimeLimits;
import dev.gradcheck.internal.UserCodeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.TimeoutException;

/**
 * The {@link CustomOp}s {@link ServiceLoader} finds for {@code discover = true}, each provider loaded
 * and made on its own: one whose class is missing or no {@code CustomOp}, or whose constructor (or
 * static initialiser) throws or does not return within the timeout, is a {@link Found} of its own
 * saying so, named by its class, and the others are made all the same.
 *
 * <p>ServiceLoader reports a provider it cannot load without naming it apart from its message, so
 * the names come from the services files themselves, read in ServiceLoader's order (the files in
 * the class loader's order, the lines in file order, duplicates dropped): a provider that fails is
 * the listed name its error mentions, else the next listed name not yet accounted for.
 */
final class Providers {
    /** The services file that lists the providers. */
    static final String SERVICES = "META-INF/services/" + CustomOp.class.getName();

    private Providers() {
    }

    /**
     * One provider: its op, or (op null) what went wrong, the exception behind it (the stack of
     * its thread at the deadline for a constructor that did not return), and its class when loaded.
     *
     * @param className the provider's class name, or null when it could not be told
     */
    record Found(String className, CustomOp op, String problem, Throwable cause, Class<?> type) {
    }

    /** A provider ServiceLoader listed, or the error it gave in its place. */
    private record Listed(String className, ServiceLoader.Provider<CustomOp> provider, Throwable error) {
    }

    /**
     * Every provider of {@code loader}, in ServiceLoader's order, each made with a deadline of
     * {@code timeout} (user code). Listing the providers loads their classes but runs none of
     * their code; it is bounded by {@code timeout} too.
     *
     * @throws IllegalStateException when listing the providers did not finish within the timeout
     *     or failed as a whole, or the waiting thread was interrupted
     */
    static List<Found> find(ClassLoader loader, Duration timeout) {
        TimeLimits.Outcome<List<Listed>> listed = TimeLimits.attempt("gradcheck-discover", timeout, () -> list(loader),
                List::of);
        if (listed.timedOut()) {
            throw new IllegalStateException("listing the providers in " + SERVICES + " did not finish within "
                    + GradChecker.format(timeout));
        }
        if (listed.thrown() != null) {
            throw new IllegalStateException("cannot list the providers in " + SERVICES + ": " + listed.thrown(),
                    listed.thrown());
        }
        if (listed.interrupted()) {
            throw new IllegalStateException("interrupted while checking gradients");
        }
        List<Found> found = new ArrayList<>();
        for (Listed l : listed.value()) {
            found.add(l.provider() != null ? make(l.provider(), timeout)
                    : new Found(l.className(), null, "cannot be loaded: " + loadError(l.error()), l.error(), null));
        }
        return found;
    }

    /** ServiceLoader's message without the service's name it starts with; another error as it prints. */
    private static String loadError(Throwable e) {
        String prefix = CustomOp.class.getName() + ": ";
        String m = e instanceof ServiceConfigurationError ? String.valueOf(e.getMessage()) : e.toString();
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** ServiceLoader's providers, each error in its place named by the listed class it is about. */
    private static List<Listed> list(ClassLoader loader) {
        List<String> names = names(loader);
        Iterator<ServiceLoader.Provider<CustomOp>> it = ServiceLoader.load(CustomOp.class, loader).stream().iterator();
        List<Listed> out = new ArrayList<>();
        int next = 0; // the first listed name not yet accounted for
        int errors = 0;
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ServiceLoader.Provider<CustomOp> p = it.next();
                int at = names.indexOf(p.type().getName());
                next = Math.max(next, at + 1);
                out.add(new Listed(p.type().getName(), p, null));
            } catch (ServiceConfigurationError | LinkageError e) {
                int at = mentioned(String.valueOf(e.getMessage()), names, next);
                if (at < 0 && next < names.size()) {
                    at = next;
                }
                next = Math.max(next, at + 1);
                out.add(new Listed(at < 0 ? null : names.get(at), null, e));
                if (++errors > names.size()) {
                    break; // more errors than listed names: the iterator is not moving on
                }
            }
        }
        return out;
    }

    /** The index of the first name from {@code from} on that {@code message} mentions as a whole, or -1. */
    private static int mentioned(String message, List<String> names, int from) {
        for (int k = from; k < names.size(); k++) {
            String name = names.get(k);
            for (int i = message.indexOf(name); i >= 0; i = message.indexOf(name, i + 1)) {
                int end = i + name.length();
                if (end == message.length() || !Character.isJavaIdentifierPart(message.charAt(end))) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** The class names in every services file {@code loader} sees, in order, without duplicates. */
    private static List<String> names(ClassLoader loader) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> files = loader.getResources(SERVICES);
            while (files.hasMoreElements()) {
                URL file = files.nextElement();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        int comment = line.indexOf('#');
                        String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                } catch (IOException e) {
                    // ServiceLoader fails on this file too: its error stands for it, unnamed
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(names);
    }

    /** The provider's op, made with a deadline (its constructor is user code); or what went wrong. */
    private static Found make(ServiceLoader.Provider<CustomOp> p, Duration timeout) {
        Class<?> type = p.type();
        String cls = type.getName();
        TimeLimits.Outcome<CustomOp> made = UnderCheck.during("provider " + cls, "made", "its constructor",
                () -> TimeLimits.attempt("gradcheck-new-" + type.getSimpleName(), timeout, p::get, List::of));
        if (made.timedOut()) {
            StackTraceElement line = FaultSite.userFrame(made.stackAtTimeout(), type);
            TimeoutException stack = new TimeoutException("the constructor of " + cls + " did not return within "
                    + GradChecker.format(timeout) + ": the stack of its thread at the deadline");
            stack.setStackTrace(made.stackAtTimeout());
            return new Found(cls, null, "could not be made: its constructor did not return within "
                    + GradChecker.format(timeout) + (line == null ? "" : " (at " + FaultSite.describe(line) + ")"),
                    stack, type);
        }
        if (made.interrupted()) {
            throw new IllegalStateException("interrupted while checking gradients");
        }
        Throwable e = made.thrown();
        if (e == null) {
            return new Found(cls, made.value(), null, null, type);
        }
        // ServiceLoader wraps what the constructor threw; a static initialiser's is wrapped once more
        Throwable cause = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
        String stage = "its constructor";
        if (cause instanceof ExceptionInInitializerError && cause.getCause() != null) {
            cause = cause.getCause();
            stage = "its static initialiser";
        }
        return new Found(cls, null, "could not be made: " + UserCodeException.describe(stage, cause), cause, type);
    }
}
