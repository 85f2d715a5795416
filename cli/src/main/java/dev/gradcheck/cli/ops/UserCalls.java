package dev.gradcheck.cli.ops;

import dev.gradcheck.CustomOp;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In the checking JVM: every call into a user's op passes through here (a proxy with all the op's
 * public interfaces, so optional ones such as {@code ForwardDifferentiable} and default methods
 * stay the op's own). Each call runs with the user's class loader as the thread's context class
 * loader, whatever thread makes it (the checker's workers too); records which stage each thread is
 * in ({@code forward}, {@code name()}, …) for the messages of an exit or a timeout; notes the
 * stage an {@code Error} left user code from; and notes, then clears, an interrupt flag the op
 * set on the thread that called it.
 */
final class UserCalls implements InvocationHandler {
    /** The stage each thread is in, over all ops (the exit witness reads it). */
    private static final Map<Thread, String> STAGES = new ConcurrentHashMap<>();

    private final Object target;
    private final ClassLoader loader;
    private volatile String thrownIn;
    private volatile String interruptedIn;

    private UserCalls(Object target, ClassLoader loader) {
        this.target = target;
        this.loader = loader;
    }

    /** {@code op} with every call passing through a new handler; the handler is {@link #of}. */
    static CustomOp wrap(CustomOp op, ClassLoader loader) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = op.getClass(); c != null; c = c.getSuperclass()) {
            collect(c, interfaces);
        }
        return (CustomOp) Proxy.newProxyInstance(loader, interfaces.toArray(Class<?>[]::new),
                new UserCalls(op, loader));
    }

    /** The handler of an op {@link #wrap} made. */
    static UserCalls of(CustomOp wrapped) {
        return (UserCalls) Proxy.getInvocationHandler(wrapped);
    }

    /** The stage {@code t} is in, or null when it is in no user code gradcheck called. */
    static String stageOf(Thread t) {
        return STAGES.get(t);
    }

    /** Runs {@code body} on this thread marked as in {@code stage} (e.g. {@code creating demo.X}). */
    static <T> T within(String stage, Callable<T> body) throws Exception {
        Thread t = Thread.currentThread();
        String outer = STAGES.put(t, stage);
        try {
            return body.call();
        } finally {
            restore(t, outer);
        }
    }

    /** The threads inside user code right now (one op is checked at a time: that op's). */
    static List<Thread> threadsInUserCode() {
        return new ArrayList<>(STAGES.keySet());
    }

    /** Forgets what earlier checks noted. */
    void reset() {
        thrownIn = null;
        interruptedIn = null;
    }

    /** The stage an exception or error last left the op's code from, or null. */
    String thrownIn() {
        return thrownIn;
    }

    /** The first stage that returned with its thread's interrupt flag set, or null. */
    String interruptedIn() {
        return interruptedIn;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Thread t = Thread.currentThread();
        String stage = stage(method);
        String outer = STAGES.put(t, stage);
        ClassLoader context = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            Object result = method.invoke(target, args);
            if (Thread.interrupted() && interruptedIn == null) {
                interruptedIn = stage;
            }
            return result;
        } catch (InvocationTargetException e) {
            thrownIn = stage;
            throw e.getCause();
        } finally {
            t.setContextClassLoader(context);
            restore(t, outer);
        }
    }

    private static String stage(Method m) {
        String n = m.getName();
        return n.equals("forward") || n.equals("backward") || n.equals("jvp") ? n : n + "()";
    }

    private static void restore(Thread t, String outer) {
        if (outer == null) {
            STAGES.remove(t);
        } else {
            STAGES.put(t, outer);
        }
    }

    private static void collect(Class<?> c, Set<Class<?>> into) {
        for (Class<?> i : c.getInterfaces()) {
            if (Modifier.isPublic(i.getModifiers())) {
                into.add(i);
            }
            collect(i, into);
        }
    }
}
