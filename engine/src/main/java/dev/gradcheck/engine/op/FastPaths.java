package dev.gradcheck.engine.op;

import dev.gradcheck.engine.ForwardMode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.DoubleUnaryOperator;

/**
 * The fast paths installed over the reference ops, and whether they are used. Providers found by
 * {@link java.util.ServiceLoader} ({@link FastPathProvider}) install theirs when this class is
 * first used; without any, every op runs its reference definition.
 *
 * <p>Whether fast paths run is a per-thread setting, inherited by threads started from that
 * thread (such as the checker's workers): on by default, off inside {@link #referenceOnly()}.
 *
 * <pre>{@code
 * try (FastPaths.Scope s = FastPaths.referenceOnly()) {
 *     Tensor y = x.matmul(w).tanh();   // the reference definitions alone
 * }
 * }</pre>
 */
public final class FastPaths {
    /** Copy on write: ops run far more often than fast paths are installed. */
    private static volatile Map<OpDef, FastPath> installed = Map.of();
    private static final InheritableThreadLocal<Boolean> REFERENCE_ONLY = new InheritableThreadLocal<>() {
        @Override
        protected Boolean initialValue() {
            return Boolean.FALSE;
        }
    };

    static {
        for (FastPathProvider p : ServiceLoader.load(FastPathProvider.class)) {
            p.install();
        }
    }

    private FastPaths() {
    }

    /** Installs {@code path} over {@code op}, replacing the one installed before (if any). */
    public static synchronized void install(OpDef op, FastPath path) {
        Map<OpDef, FastPath> m = new IdentityHashMap<>(installed);
        m.put(op, path);
        installed = Collections.unmodifiableMap(m);
    }

    /** Removes the fast path over {@code op}, if any. */
    public static synchronized void uninstall(OpDef op) {
        Map<OpDef, FastPath> m = new IdentityHashMap<>(installed);
        m.remove(op);
        installed = Collections.unmodifiableMap(m);
    }

    /** Every installed fast path, by op (a snapshot). */
    public static Map<OpDef, FastPath> installed() {
        return installed;
    }

    /**
     * True when fast paths run on this thread: not inside {@link #referenceOnly()}, and not while
     * forward mode propagates tangents ({@link ForwardMode#isActive()}), which only the reference
     * definitions do.
     */
    public static boolean enabled() {
        return !REFERENCE_ONLY.get() && !ForwardMode.isActive();
    }

    /** Runs the reference definitions alone on this thread (and threads it starts) until the scope closes. */
    public static Scope referenceOnly() {
        return set(false);
    }

    /** Turns fast paths on or off on this thread (and threads it starts) until the returned scope closes. */
    public static Scope set(boolean enabled) {
        Boolean previous = REFERENCE_ONLY.get();
        REFERENCE_ONLY.set(!enabled);
        return () -> REFERENCE_ONLY.set(previous);
    }

    /** The fast path that runs for {@code op} on this thread, or null (none installed, or disabled). */
    public static FastPath active(OpDef op) {
        FastPath p = installed.get(op);
        return p != null && enabled() ? p : null;
    }

    /**
     * The scalar function the running forward of one-input pointwise {@code op} applies to each
     * entry (no attributes): the fast path's when it runs, else the reference's; null when none.
     */
    public static DoubleUnaryOperator scalar(OpDef op) {
        FastPath p = active(op);
        if (p != null && p.forward() != null) {
            return p.scalar();
        }
        return op.scalar();
    }

    /** A scope that restores the previous setting when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
